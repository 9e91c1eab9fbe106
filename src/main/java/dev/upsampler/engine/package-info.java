/**
 * The pure-Java transposed-convolution engine: no Flink, no JavaCV, no AWT.
 *
 * <p>Tensors are NCHW float32 ({@link dev.upsampler.engine.Tensor}) over caller-owned arrays,
 * possibly views inside larger buffers; weights are {@code [C_in, C_out/groups, kH, kW]}. A
 * {@link dev.upsampler.engine.ConvTransposeSpec} holds validated hyperparameters and one of the
 * three padding front ends ({@link dev.upsampler.engine.Padding}: PyTorch, ONNX, TensorFlow), all
 * resolving to one canonical {@link dev.upsampler.engine.Crop}. {@link
 * dev.upsampler.engine.ConvTranspose} is the facade that validates and dispatches; {@link
 * dev.upsampler.engine.ConvTransposeReference} is the oracle every fast path is tested against.
 *
 * <p>Networks: {@link dev.upsampler.engine.SequentialNetwork} runs convolutions, PReLUs and a
 * last transposed convolution ({@link dev.upsampler.engine.NetworkLayer}) over whole frames in
 * seamless tiles, each tile by direct convolution on flat zero-bordered planes ({@link
 * dev.upsampler.engine.DirectNetwork}; 3x3 layers with many channels by Winograd F(4,3) down
 * the columns, {@link dev.upsampler.engine.WinogradRows}); the layers' own {@code forward}, used by training, are
 * {@link dev.upsampler.engine.Gemm} products over {@link dev.upsampler.engine.Im2col} columns.
 * {@link dev.upsampler.engine.SelfEnsemble} averages a network over the flips and transposes of
 * its input.
 *
 * <p>SIMD: {@link dev.upsampler.engine.VectorSupport} picks the Vector API kernel (width: the
 * CPU's widest, or {@code -Dupsampler.vector.bits}) or the bit-identical scalar one. Vector code
 * never passes a vector to or from a helper method, nor lets two branches merge one: C2 may
 * decline to inline the helper or to keep the merged value in a register, and then boxes every
 * vector (a heap object per operation).
 *
 * <p>Errors: {@link dev.upsampler.engine.SpecException} for illegal hyperparameters or output
 * sizes, {@link dev.upsampler.engine.ShapeException} for tensors that do not fit; both name the
 * values that arrived and what was expected.
 */
package dev.upsampler.engine;
