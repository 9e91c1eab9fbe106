package dev.upsampler.engine;

/** The crop of one axis and the output length it leaves: {@code out = full - begin - end}. */
record AxisCrop(int begin, int end, int out) {}
