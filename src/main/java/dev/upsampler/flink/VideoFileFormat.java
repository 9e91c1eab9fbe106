package dev.upsampler.flink;

import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.storage.LocalStaging;
import dev.upsampler.storage.Storage;
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
  private final boolean yuv;

  /** @param yuv decode to planar 4:2:0 (for a 4:2:0 video output), else RGB */
  public VideoFileFormat(boolean realtime, boolean yuv) {
    this.realtime = realtime;
    this.yuv = yuv;
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
  public static String streamOf(Path path) {
    String n = path.getName();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** How a file is named in reports and to the video sink: its local path, or its URI. */
  public static String ffmpegLocation(Path path) {
    return Storage.isLocal(path) ? path.toUri().getPath() : path.toString();
  }

  private final class VideoFileReader implements Reader<FrameRecord> {
    private final FileSourceSplit split;
    private final String location;
    private final String stream;
    private long emitted;
    private VideoReader video;
    /** The file FFmpeg reads: the input itself, or a local copy of a remote one. */
    private LocalStaging.Staged staged;
    private boolean ended;
    private boolean finished;
    private boolean errorsReported;
    private boolean noFramesReported;
    private long wallStart = -1;
    private long wallStartMillis;
    private long firstTimestamp;

    VideoFileReader(FileSourceSplit split, long emitted) {
      this.split = split;
      this.location = ffmpegLocation(split.path());
      this.stream = streamOf(split.path());
      this.emitted = emitted;
    }

    @Override
    public RecordIterator<FrameRecord> readBatch() throws IOException {
      FrameRecord r = nextRecord();
      if (r == null) {
        return null;
      }
      emitted++;
      SingletonResultIterator<FrameRecord> it = new SingletonResultIterator<>();
      it.set(r, CheckpointedPosition.NO_OFFSET, emitted);
      return it;
    }

    /** Frames, then (if any) a report of what could not be decoded, then the end marker. */
    private FrameRecord nextRecord() throws IOException {
      if (finished) {
        return null;
      }
      if (video == null) {
        try {
          staged = LocalStaging.stage(split.path());
          video = VideoReader.open(staged.file().toString(), Duration.ZERO, yuv);
        } catch (IOException e) {
          finished = true;
          return emitted == 0 ? error(e.getMessage()) : null;
        }
        LOG.info("decoding {} (resuming after {} records)", video.info(), emitted);
        for (long i = 0; i < emitted && video.skip(); i++) {
          // decoded, not converted: back to where the checkpoint was
        }
      }
      if (!ended) {
        try {
          VideoFrame f = video.next();
          if (f != null) {
            long due = pace(f.timestampMicros());
            FrameRecord r = base(f.index());
            r.timestampMicros = f.timestampMicros();
            r.ingestMillis = due;
            Raw.fill(r, f.frame());
            return r;
          }
        } catch (IOException e) {
          // The stream cannot go on (a resolution change, a broken file): report, then end.
          ended = true;
          return error(e.getMessage());
        }
        ended = true;
      }
      if (video.decodeErrors() > 0 && !errorsReported) {
        errorsReported = true;
        return error(location + ": " + video.decodeErrors() + " frame(s) could not be decoded"
            + " and were skipped");
      }
      if (video.framesRead() == 0 && !noFramesReported) {
        // Opened, but nothing decoded: a reject, not a silent empty output.
        noFramesReported = true;
        return error(location + ": no video frame could be decoded");
      }
      finished = true;
      FrameRecord end = base(video.framesRead());
      end.endOfStream = true;
      return end;
    }

    /**
     * With realtime, waits until this frame's time has come on the wall clock, and returns that
     * time (epoch millis): the moment a live source would have produced the frame, so latency
     * and {@code overload: drop} count a replay that fell behind (backpressure) as late.
     * Without realtime, now.
     */
    private long pace(long timestampMicros) {
      if (!realtime) {
        return System.currentTimeMillis();
      }
      long now = System.nanoTime();
      if (wallStart < 0) {
        wallStart = now;
        wallStartMillis = System.currentTimeMillis();
        firstTimestamp = timestampMicros;
        return wallStartMillis;
      }
      long offset = (timestampMicros - firstTimestamp) * 1000;
      long due = wallStart + offset;
      if (due > now) {
        try {
          Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return wallStartMillis + offset / 1_000_000;
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

    /** A record that reports a problem (a reject); it has no place in the sequence. */
    private FrameRecord error(String message) {
      FrameRecord r = base(-1);
      // FFmpeg names the file it opened: a staged copy is reported as the input it copies.
      r.error = staged != null && staged.copy() && message != null
          ? message.replace(staged.file().toString(), location) : message;
      return r;
    }

    @Override
    public void close() throws IOException {
      if (video != null) {
        video.close();
      }
      if (staged != null) {
        staged.close();
      }
    }
  }
}
