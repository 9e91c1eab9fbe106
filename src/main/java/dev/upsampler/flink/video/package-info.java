/**
 * One video over many subtasks: a {@link dev.upsampler.flink.video.ChunkedVideoSource} cuts each
 * video file at keyframes into time-range splits, each subtask decodes, upscales and encodes its
 * chunk into a segment and passes on only the segment's location ({@link
 * dev.upsampler.flink.video.ChunkSegment}); the {@link dev.upsampler.flink.video.SegmentJoinSink}
 * joins a video's segments by stream copy with the source's audio once every chunk is in, and
 * publishes it atomically, exactly once. No raw frame crosses the network.
 */
package dev.upsampler.flink.video;
