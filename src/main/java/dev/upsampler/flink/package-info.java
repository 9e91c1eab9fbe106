/**
 * The Flink job: records ({@link dev.upsampler.flink.FrameRecord}, POJOs, no Kryo), sources for
 * image files ({@link dev.upsampler.flink.ImageFileFormat}), video files ({@link
 * dev.upsampler.flink.VideoFileFormat}, resumable at a frame) and live URLs ({@link
 * dev.upsampler.flink.LiveVideoSource}), the upsampling function with its rejects side output and
 * metrics, per-stream ordering, the atomic frame sink, the exactly-once video sink, the rejects
 * report, and job definitions; Kafka in its own room ({@code flink.kafka}). Depends on {@code
 * engine}, {@code image}, {@code io} and {@code storage}; never on the commands.
 */
package dev.upsampler.flink;
