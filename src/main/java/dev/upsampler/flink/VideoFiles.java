package dev.upsampler.flink;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.connector.file.src.FileSource;

/**
 * Video files as raw frames, for pipelines of your own: each file below the input (any Flink
 * file system) is decoded by FFmpeg into numbered RGB24 frames ({@code width > 0}), its stream
 * named after the file, followed by an end-of-stream marker; frames FFmpeg cannot decode are
 * skipped and reported once at the end of the file, and a file that cannot be opened becomes one
 * record with the error (a reject downstream). A split restored from a checkpoint resumes at its
 * next frame. {@link Upsampling#upscale} turns the frames into numbered PNGs
 * ({@code frame_00000000.png}, ...) and leaves the markers out.
 *
 * <pre>{@code
 * FileSource<FrameRecord> clips = VideoFiles.source("/data/clips").build();
 * }</pre>
 */
@PublicEvolving
public final class VideoFiles {
  private VideoFiles() {}

  /** A source of the frames of the videos below {@code input} (a folder or one file). */
  public static SourceBuilder source(String input) {
    return new SourceBuilder(input);
  }

  /** The settings of a video file source. */
  @PublicEvolving
  public static final class SourceBuilder {
    private final String input;
    private boolean realtime;
    private Duration monitor;

    private SourceBuilder(String input) {
      this.input = input;
    }

    /** Emit frames at the video's own pace instead of as fast as they decode. */
    public SourceBuilder realtime(boolean realtime) {
      this.realtime = realtime;
      return this;
    }

    /** Keep watching the input for new videos at this interval (default: read once, end). */
    public SourceBuilder monitorEvery(Duration interval) {
      this.monitor = interval;
      return this;
    }

    /** The source. */
    public FileSource<FrameRecord> build() {
      return UpscaleJob.files(input, new VideoFileFormat(realtime, false),
          MediaFileFilter.videos(), monitor);
    }
  }
}
