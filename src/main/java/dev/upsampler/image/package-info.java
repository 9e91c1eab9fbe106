/**
 * Frames and what happens to them, in pure Java (no AWT, no Flink, no JavaCV): the frame model
 * ({@link dev.upsampler.image.Frame}, {@link dev.upsampler.image.PixelLayout}), the kernels
 * ({@link dev.upsampler.image.UpscaleKernel}), colour modes and alpha ({@link
 * dev.upsampler.image.Upscaler}), quality metrics ({@link dev.upsampler.image.Quality}) and a
 * moving test pattern ({@link dev.upsampler.image.TestPattern}).
 * Depends on {@code engine} only. Frames own their arrays; an {@code Upscaler} is thread-safe and
 * uses the caller's {@link dev.upsampler.engine.Parallelism}.
 */
package dev.upsampler.image;
