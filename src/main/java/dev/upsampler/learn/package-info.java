/**
 * Learned kernels: self-supervised training pairs (a photograph and its bicubic-downscaled
 * copy), Adam, the losses, and two trainers behind {@link dev.upsampler.learn.Trainer}: one
 * transposed-convolution layer on luma started from bicubic ({@link
 * dev.upsampler.learn.SingleLayerTrainer}, gradients from the engine's {@link
 * dev.upsampler.engine.ConvTransposeGradients}), and FSRCNN ({@link
 * dev.upsampler.learn.NetworkTrainer}) whose layers run forward and backward as GEMMs on the
 * engine's SIMD kernel and share their weights with the engine's {@link
 * dev.upsampler.engine.SequentialNetwork} that serves them. Pure Java over {@code engine} and
 * {@code image}: files and commands are the callers' business.
 */
package dev.upsampler.learn;
