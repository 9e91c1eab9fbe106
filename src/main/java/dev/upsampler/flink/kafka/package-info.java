/**
 * Frames in and out of Kafka topics with Flink's Kafka connector: {@link
 * dev.upsampler.flink.kafka.KafkaTopic} ({@code kafka://HOST:PORT/TOPIC}), the job's Kafka
 * settings ({@link dev.upsampler.flink.kafka.KafkaOptions}), the record format both ways
 * ({@link dev.upsampler.flink.kafka.FrameDeserializer}, {@link
 * dev.upsampler.flink.kafka.FrameSerializer}: key = stream id, value = one encoded image,
 * headers {@code seq} and {@code name}), the rejects topic ({@link
 * dev.upsampler.flink.kafka.RejectSerializer}), topic checks and limits ({@link
 * dev.upsampler.flink.kafka.KafkaTopics}) and the source and sinks ({@link
 * dev.upsampler.flink.kafka.KafkaConnectors}).
 */
package dev.upsampler.flink.kafka;
