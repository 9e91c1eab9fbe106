/**
 * The Flink job: records ({@link dev.upsampler.flink.FrameRecord}, POJOs, no Kryo), the image
 * file source ({@link dev.upsampler.flink.ImageFileFormat}), the upsampling function with its
 * rejects side output and metrics, the atomic frame sink and the rejects report, and job
 * definitions. Depends on {@code engine}, {@code image} and {@code io}; never on the commands.
 */
package dev.upsampler.flink;
