/**
 * Where a job's bytes live: a local directory or any Flink file system ({@code s3://} through
 * Flink's native S3 file system, {@code hdfs://} when Hadoop's client is on the classpath). The
 * sinks and sources do not care which: {@link dev.upsampler.storage.Storage} resolves locations
 * and sets file systems up for embedded runs, {@link dev.upsampler.storage.AtomicPublish} makes
 * output visible whole or not at all (rename on file systems, a committed recoverable write on
 * object stores), {@link dev.upsampler.storage.LocalStaging} gives FFmpeg a local copy with
 * bounded disk, and {@link dev.upsampler.storage.StorageErrors} turns a file system's failure
 * into one line that names the location and the cause, never a secret. Depends on Flink's core
 * file system API and {@code io}; never on the job.
 */
package dev.upsampler.storage;
