/**
 * File formats at the edge of the engine: NumPy {@code .npy} tensors, image codecs, kernel files,
 * and video through JavaCV's FFmpeg ({@link dev.upsampler.io.VideoReader}, {@link
 * dev.upsampler.io.VideoWriter}, {@link dev.upsampler.io.VideoMuxer}; JavaCV stays in this
 * package). Depends on {@code engine} and {@code image}, never on Flink.
 *
 * <p>Every reader refuses bad input with an {@link dev.upsampler.io.InvalidInputException} whose
 * message starts with the path; every writer publishes its file atomically ({@link
 * dev.upsampler.io.AtomicFiles}), so a failure never leaves a partial file at the output path.
 */
package dev.upsampler.io;
