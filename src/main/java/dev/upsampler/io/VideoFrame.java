package dev.upsampler.io;

import dev.upsampler.image.Frame;

/** One decoded picture: its pixels (a private copy), its index in the stream, its timestamp. */
public record VideoFrame(Frame frame, long index, long timestampMicros) {}
