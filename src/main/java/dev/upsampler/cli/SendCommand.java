package dev.upsampler.cli;

import dev.upsampler.image.Frame;
import dev.upsampler.image.TestPattern;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.io.VideoSettings;
import dev.upsampler.io.VideoWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code send}: a live stream for trying live jobs, paced in real time as a camera sends. */
@Command(
    name = "send",
    description = {
      "Plays a video file (in a loop) or a moving test pattern to a live URL in real time, as a"
          + " camera or an encoder would: UDP/MPEG-TS by default, also RTMP (--format flv) or"
          + " SRT. For trying jobs/live.yaml, measuring latency or a long soak (jobs/soak.sh)"
          + " without ffmpeg.",
      ""
    },
    footer = {"", "Example: send --to udp://127.0.0.1:5000 --size 640x360 --seconds 60"})
final class SendCommand extends BaseCommand {

  @Option(names = "--to", required = true, paramLabel = "URL",
      description = "Where to send, e.g. udp://127.0.0.1:5000.")
  String to;

  @Option(names = "--input", paramLabel = "VIDEO",
      description = "A video file, played from the start again when it ends (default: a moving"
          + " test pattern).")
  Path input;

  @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x360",
      description = "The test pattern's size (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--frame-rate", paramLabel = "FPS", defaultValue = "25",
      description = "Frames per second (default ${DEFAULT-VALUE}; a video keeps its own).")
  double frameRate;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
      description = "How long to send (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--format", paramLabel = "CONTAINER", defaultValue = "mpegts",
      description = "The stream's container (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--codec", paramLabel = "NAME", defaultValue = "mpeg4",
      description = "The encoder (default ${DEFAULT-VALUE}).")
  String codec;

  @Option(names = "--quality", paramLabel = "Q", defaultValue = "3",
      description = "mpeg4 qscale 1..31 or CRF for other codecs (default ${DEFAULT-VALUE}).")
  double quality;

  @Override
  public Integer call() throws Exception {
    if (!(seconds > 0) || !(frameRate > 0) || frameRate > 1000) {
      throw usage("--seconds must be positive and --frame-rate in (0, 1000]");
    }
    java.util.regex.Matcher wh = java.util.regex.Pattern.compile("(\\d{1,5})x(\\d{1,5})")
        .matcher(size);
    if (!wh.matches() || Integer.parseInt(wh.group(1)) < 2 || Integer.parseInt(wh.group(2)) < 2) {
      throw usage("--size must be WIDTHxHEIGHT, at least 2x2, got '" + size + "'");
    }
    int w = Integer.parseInt(wh.group(1));
    int h = Integer.parseInt(wh.group(2));
    // UDP: packets of 188 x 7 bytes, as MPEG-TS over UDP is sent (one datagram per read).
    String url = to.startsWith("udp://") && !to.contains("?") ? to + "?pkt_size=1316" : to;
    long total;
    long late = 0;
    long start;
    int width;
    int height;
    double fps;
    try (FrameSource frames = input == null ? new PatternSource(w, h) : new LoopedVideo(input)) {
      fps = input == null ? frameRate : frames.frameRate();
      width = frames.width();
      height = frames.height();
      total = Math.max(1, Math.round(seconds * fps));
      VideoSettings settings = new VideoSettings(format, codec, null, 0, quality,
          (int) Math.max(1, Math.round(fps)));
      try (VideoWriter out = VideoWriter.stream(url, width, height, fps, settings)) {
        start = System.nanoTime();
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        for (long i = 0; i < total; i++) {
          long due = start + Math.round(i * 1e9 / fps);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          } else if (wait < -1e9 / fps) {
            late++; // more than a frame behind: this machine cannot send at this rate
          }
          out.write(frames.next(), Math.round(i * 1e6 / fps));
          if (System.nanoTime() > nextReport) {
            err().printf(Locale.ROOT, "sent %d frames (%.0f s)%n", i + 1,
                (System.nanoTime() - start) / 1e9);
            nextReport += TimeUnit.SECONDS.toNanos(10);
          }
        }
      } // closing flushes the muxer: the last packets go out before the report
    }
    out().printf(Locale.ROOT, "sent %d frames of %dx%d at %.2f frames/s to %s in %.1f s%s%n",
        total, width, height, fps, to, (System.nanoTime() - start) / 1e9,
        late > 0 ? " (" + late + " sent over a frame late)" : "");
    return 0;
  }

  /** Frames to send, one after another without end. */
  private interface FrameSource extends AutoCloseable {
    int width();

    int height();

    double frameRate();

    Frame next() throws Exception;

    @Override
    void close() throws Exception;
  }

  private static final class PatternSource implements FrameSource {
    private final int width;
    private final int height;
    private int i;

    PatternSource(int width, int height) {
      this.width = width;
      this.height = height;
    }

    @Override
    public int width() {
      return width;
    }

    @Override
    public int height() {
      return height;
    }

    @Override
    public double frameRate() {
      return 0;
    }

    @Override
    public Frame next() {
      return TestPattern.frame(i++, width, height);
    }

    @Override
    public void close() {}
  }

  /** A video's frames, from the start again after the last. */
  private static final class LoopedVideo implements FrameSource {
    private final Path file;
    private VideoReader reader;

    LoopedVideo(Path file) throws Exception {
      this.file = file;
      this.reader = VideoReader.open(file);
    }

    @Override
    public int width() {
      return reader.info().width();
    }

    @Override
    public int height() {
      return reader.info().height();
    }

    @Override
    public double frameRate() {
      double fps = reader.info().frameRate();
      return fps > 0 ? fps : 25;
    }

    @Override
    public Frame next() throws Exception {
      VideoFrame f = reader.next();
      if (f == null) {
        reader.close();
        reader = VideoReader.open(file);
        f = reader.next();
        if (f == null) {
          throw new java.io.IOException(file + ": no video frame to send");
        }
      }
      return f.frame();
    }

    @Override
    public void close() throws Exception {
      reader.close();
    }
  }
}
