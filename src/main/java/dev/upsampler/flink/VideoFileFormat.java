package dev.upsampler.flink;

import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each video file of a {@code FileSource} into raw RGB {@link FrameRecord}s (sequence =
 * frame index, the source's timestamps), then an end-of-stream marker. The checkpointed position
 * is the number of records emitted, so a restored reader reopens the file and skips that many
 * frames (decoded, not converted) and resumes rather than restarts. A file that cannot be opened
 * yields one record carrying the error (a reject); frames that fail to decode mid-stream are
 * skipped by the reader and reported once at the end of the file.
 *
 * <p>With {@code realtime}, frames are released at the pace of their timestamps, as a live
 * source would deliver them (to test real-time behaviour with a file).
 */
public final class VideoFileFormat implements BulkFormat<FrameRecord, FileSourceSplit> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(VideoFileFormat.class);
  private final boolean realtime;

  public VideoFileFormat(boolean realtime) {
    this.realtime = realtime;
  }

  @Override
  public Reader<FrameRecord> createReader(Configuration config, FileSourceSplit split) {
    return new VideoFileReader(split, 0);
  }

  @Override
  public Reader<FrameRecord> restoreReader(Configuration config, FileSourceSplit split) {
    long emitted = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset)
        .orElse(0L);
    return new VideoFileReader(split, emitted);
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public TypeInformation<FrameRecord> getProducedType() {
    return TypeInformation.of(FrameRecord.class);
  }

  /** The stream a video file's frames belong to: its name without the extension. */
  static String streamOf(Path path) {
    String n = path.getName();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** A local path for FFmpeg, or the URI itself for the protocols FFmpeg speaks. */
  static String ffmpegLocation(Path path) {
    String scheme = path.toUri().getScheme();
    return scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
  }

  private final class VideoFileReader implements Reader<FrameRecord> {
    private final FileSourceSplit split;
    private final String location;
    private final String stream;
    private long emitted;
    private VideoReader video;
    private boolean done;
    private int reportedErrors;
    private long wallStart = -1;
    private long firstTimestamp;

    VideoFileReader(FileSourceSplit split, long emitted) {
      this.split = split;
      this.location = ffmpegLocation(split.path());
      this.stream = streamOf(split.path());
      this.emitted = emitted;
    }

    @Override
    public RecordIterator<FrameRecord> readBatch() throws IOException {
      if (done) {
        return null;
      }
      FrameRecord r = nextRecord();
      if (r == null) {
        done = true;
        return null;
      }
      emitted++;
      SingletonResultIterator<FrameRecord> it = new SingletonResultIterator<>();
      it.set(r, CheckpointedPosition.NO_OFFSET, emitted);
      return it;
    }

    private FrameRecord nextRecord() throws IOException {
      if (video == null) {
        try {
          video = VideoReader.open(location, Duration.ZERO);
        } catch (IOException e) {
          return emitted == 0 ? error(e.getMessage()) : null;
        }
        LOG.info("decoding {} (resuming after {} records)", video.info(), emitted);
        for (long i = 0; i < emitted; i++) {
          if (!video.skip()) {
            break; // the end marker was the last record emitted
          }
        }
      }
      VideoFrame f;
      try {
        f = video.next();
      } catch (IOException e) {
        f = null;
        LOG.warn("{}", e.getMessage());
      }
      int errors = video.decodeErrors();
      if (f == null) {
        if (errors > reportedErrors) {
          reportedErrors = errors;
          FrameRecord bad = error(location + ": " + errors + " frame(s) could not be decoded and"
              + " were skipped");
          bad.sequence = -1;
          return bad; // reported once; the end marker follows
        }
        if (done) {
          return null;
        }
        done = true;
        FrameRecord end = base(emittedFrames());
        end.endOfStream = true;
        return end;
      }
      pace(f.timestampMicros());
      FrameRecord r = base(f.index());
      r.timestampMicros = f.timestampMicros();
      r.width = f.frame().width();
      r.height = f.frame().height();
      r.data = f.frame().bytes();
      return r;
    }

    private long emittedFrames() {
      return emitted - (reportedErrors > 0 ? 1 : 0);
    }

    /** With realtime, waits until this frame's time has come on the wall clock. */
    private void pace(long timestampMicros) {
      if (!realtime) {
        return;
      }
      long now = System.nanoTime();
      if (wallStart < 0) {
        wallStart = now;
        firstTimestamp = timestampMicros;
        return;
      }
      long due = wallStart + (timestampMicros - firstTimestamp) * 1000;
      if (due > now) {
        try {
          Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private FrameRecord base(long sequence) {
      FrameRecord r = new FrameRecord();
      r.streamId = stream;
      r.sequence = sequence;
      r.sourceName = split.path().getName();
      r.outputName = stream;
      r.origin = location;
      r.frameRate = video == null ? 0 : video.info().frameRate();
      r.ingestMillis = System.currentTimeMillis();
      return r;
    }

    private FrameRecord error(String message) {
      FrameRecord r = base(-1);
      r.error = message;
      done = video == null;
      return r;
    }

    @Override
    public void close() {
      if (video != null) {
        video.close();
      }
    }
  }
}
