/**
 * ONNX import: reads a {@code .onnx} file (protobuf classes generated at build time from {@code
 * src/main/proto/onnx_model.proto}) and turns the graph of a small super-resolution network
 * (convolutions, activations, a transposed convolution or depth to space, a skip connection) into
 * the engine's {@link dev.upsampler.engine.SequentialNetwork}. Anything the engine cannot run
 * exactly is refused with the operator and node that cause it.
 */
package dev.upsampler.io.onnx;
