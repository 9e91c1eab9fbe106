/**
 * Chunked video without Flink: a {@link dev.upsampler.io.chunks.ChunkPlan} cuts a file's keyframe
 * index ({@link dev.upsampler.io.KeyframeIndex}) into {@link dev.upsampler.io.chunks.VideoChunk}
 * time ranges, and a {@link dev.upsampler.io.chunks.ChunkTranscoder} decodes, upscales and
 * encodes one chunk into a segment on three overlapped threads. The Flink side that spreads the
 * chunks over subtasks and joins the segments is {@code dev.upsampler.flink.video}.
 */
package dev.upsampler.io.chunks;
