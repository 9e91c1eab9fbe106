package dev.upsampler.flink;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.src.FileSource;

/**
 * Image files as frames, for pipelines of your own, on any Flink file system (a local path,
 * {@code s3://}, {@code hdfs://}: the file system must be set up, as a cluster's plugins do):
 *
 * <pre>{@code
 * FileSource<FrameRecord> in = ImageFiles.source("s3://photos/in").build();
 * Sink<FrameRecord> out = ImageFiles.sink("s3://photos/x2");
 * env.fromSource(in, WatermarkStrategy.noWatermarks(), "photos")
 *     ... Upsampling.upscale(frames, "lanczos3", 2).sinkTo(out);
 * }</pre>
 *
 * The source reads every image below the input (files and folders starting with {@code _} or
 * {@code .} are skipped), each as one encoded frame whose stream is its folder below the input;
 * an unreadable or oversized file becomes a record with an error, which {@link Upsampling}
 * rejects. The sink writes {@code OUTPUT/STREAM/NAME}, each file published whole or not at all.
 */
@PublicEvolving
public final class ImageFiles {
  private ImageFiles() {}

  /** A source of the images below {@code input} (a folder or one file). */
  public static SourceBuilder source(String input) {
    return new SourceBuilder(input);
  }

  /** A sink writing each frame to {@code output/STREAM/NAME}; markers write nothing. */
  public static Sink<FrameRecord> sink(String output) {
    return new FrameFileSink(output);
  }

  /**
   * A sink for {@link Upsampling#rejects}: {@code output/_rejects.jsonl}, one JSON object per
   * reject ({@code source}, {@code reason}, {@code time}), replaced whole at each checkpoint
   * and at the end. Give it parallelism 1.
   */
  public static Sink<Reject> rejectsReport(String output) {
    return new RejectsSink(output);
  }

  /** The settings of an image file source. */
  @PublicEvolving
  public static final class SourceBuilder {
    private final String input;
    private long maxFileBytes = UpscaleJob.MAX_FILE_BYTES;
    private Duration monitor;

    private SourceBuilder(String input) {
      this.input = input;
    }

    /** Larger files are rejected rather than read (default 1 GiB). */
    public SourceBuilder maxFileBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFileBytes must be >= 1, got " + bytes);
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /** Keep watching the input for new files at this interval (default: read once, end). */
    public SourceBuilder monitorEvery(Duration interval) {
      this.monitor = interval;
      return this;
    }

    /** The source. */
    public FileSource<FrameRecord> build() {
      return UpscaleJob.files(input, new ImageFileFormat(maxFileBytes, input),
          MediaFileFilter.images(), monitor);
    }
  }
}
