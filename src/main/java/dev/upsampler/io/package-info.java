/**
 * File formats at the edge of the engine: NumPy {@code .npy} tensors now; image codecs and video
 * (JavaCV stays in this package) as they arrive. Depends on {@code engine}, never on Flink.
 *
 * <p>Every reader refuses bad input with an {@link dev.upsampler.io.InvalidInputException} whose
 * message starts with the path; every writer publishes its file atomically ({@link
 * dev.upsampler.io.AtomicFiles}), so a failure never leaves a partial file at the output path.
 */
package dev.upsampler.io;
