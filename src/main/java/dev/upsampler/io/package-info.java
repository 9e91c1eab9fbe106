/**
 * File formats at the edge of the engine: NumPy {@code .npy} tensors and {@code .npz} archives,
 * image codecs, kernel files, learned models ({@link dev.upsampler.io.ModelFiles}, {@link
 * dev.upsampler.io.ModelImport}, the models shipped in the jar: {@link
 * dev.upsampler.io.ShippedModels}; ONNX in {@code io.onnx}) and training checkpoints, and video
 * through JavaCV's FFmpeg ({@link dev.upsampler.io.VideoReader}, {@link
 * dev.upsampler.io.VideoWriter}, {@link dev.upsampler.io.VideoMuxer}; JavaCV stays in this
 * package). Depends on {@code engine} and {@code image}, never on Flink.
 *
 * <p>Every reader refuses bad input with an {@link dev.upsampler.io.InvalidInputException} whose
 * message starts with the path; every writer publishes its file atomically ({@link
 * dev.upsampler.io.AtomicFiles}), so a failure never leaves a partial file at the output path.
 */
package dev.upsampler.io;
