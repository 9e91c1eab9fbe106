/**
 * Learned kernels: self-supervised training pairs (a photograph and its bicubic-downscaled
 * copy), the Adam optimiser, and a trainer for one transposed-convolution layer on luma,
 * initialised from bicubic, whose gradients come from the engine's {@link
 * dev.upsampler.engine.ConvTransposeGradients}. Pure Java over {@code engine} and {@code image}:
 * files and commands are the callers' business.
 */
package dev.upsampler.learn;
