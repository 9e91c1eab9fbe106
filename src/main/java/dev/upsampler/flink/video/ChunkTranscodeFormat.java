package dev.upsampler.flink.video;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.VideoFileFormat;
import dev.upsampler.flink.VideoSink;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.VideoSettings;
import dev.upsampler.io.chunks.ChunkTranscoder;
import dev.upsampler.io.chunks.VideoChunk;
import dev.upsampler.storage.LocalStaging;
import dev.upsampler.storage.SharedStaging;
import dev.upsampler.storage.Storage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link VideoChunkSplit} by transcoding it: its frames decoded, upscaled and encoded
 * into segment {@code index + 1} of the video's output ({@link ChunkTranscoder}, off the task's
 * main thread, on Flink's split fetcher), then one {@link ChunkSegment} naming it. The
 * checkpointed position is whether that record was emitted, so a restore redoes only chunks
 * whose segment no checkpoint has seen; a redone chunk replaces its segment file whole.
 */
final class ChunkTranscodeFormat implements BulkFormat<ChunkSegment, VideoChunkSplit> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChunkTranscodeFormat.class);
  private final JobDefinition def;

  ChunkTranscodeFormat(JobDefinition def) {
    this.def = def;
  }

  @Override
  public Reader<ChunkSegment> createReader(Configuration config, VideoChunkSplit split) {
    return new ChunkReader(split, false);
  }

  @Override
  public Reader<ChunkSegment> restoreReader(Configuration config, VideoChunkSplit split) {
    boolean emitted = split.getReaderPosition()
        .map(p -> p.getRecordsAfterOffset() > 0).orElse(false);
    return new ChunkReader(split, emitted);
  }

  @Override
  public boolean isSplittable() {
    return true;
  }

  @Override
  public TypeInformation<ChunkSegment> getProducedType() {
    return TypeInformation.of(ChunkSegment.class);
  }

  /**
   * Where a video's segments wait for the join: beside it, or under {@code work-dir} in a folder
   * named after the output's full path (two jobs writing {@code out.mp4} in different places do
   * not meet).
   */
  private Path segmentDir(Path target) {
    String workDir = def.video().workDir();
    if (workDir == null) {
      return VideoSink.segmentDir(target);
    }
    String key = Integer.toHexString(target.toString().hashCode());
    return new Path(Storage.resolve(workDir), "." + target.getName() + "-" + key + ".segments");
  }

  private final class ChunkReader implements Reader<ChunkSegment> {
    private final VideoChunkSplit split;
    private boolean done;

    ChunkReader(VideoChunkSplit split, boolean done) {
      this.split = split;
      this.done = done;
    }

    @Override
    public RecordIterator<ChunkSegment> readBatch() throws IOException {
      if (done) {
        return null;
      }
      ChunkSegment s = transcode();
      done = true;
      SingletonResultIterator<ChunkSegment> it = new SingletonResultIterator<>();
      it.set(s, CheckpointedPosition.NO_OFFSET, 1);
      return it;
    }

    private ChunkSegment transcode() throws IOException {
      VideoChunk chunk = split.chunk();
      ChunkSegment s = new ChunkSegment();
      s.stream = VideoFileFormat.streamOf(split.path());
      s.origin = VideoFileFormat.ffmpegLocation(split.path());
      Path target = Storage.resolve(def.output().replace("{stream}", s.stream));
      VideoSettings settings = def.video().encoderFor(target.toString());
      s.target = target.toString();
      s.container = settings.container();
      s.index = chunk.index();
      s.count = chunk.count();
      s.expectedFrames = chunk.frames();
      Path dir = segmentDir(target);
      s.segmentDir = dir.toString();
      Path segment = VideoSink.segmentIn(dir, chunk.index() + 1);
      dir.getFileSystem().mkdirs(dir);
      java.nio.file.Path encoded = VideoSink.encoderFile(segment);
      long t0 = System.nanoTime();
      ChunkTranscoder.StageTimes busy;
      try (LocalStaging.Staged source = SharedStaging.stage(split.path());
          Parallelism par = Parallelism.newPool(def.threads())) {
        Upscaler upscaler = new Upscaler(def.upscaleKernel(),
            ColorMode.parse(def.color()), par);
        ChunkTranscoder transcoder = new ChunkTranscoder(upscaler::apply, upscaler::outputSize,
            settings.withContainer(VideoSink.SEGMENT_CONTAINER), def.yuvFrames(),
            def.maxPixels(), def.threads(), // the encoder keeps to the subtask's threads too
            def.video().frameRate());
        try {
          ChunkTranscoder.Result r = transcoder.transcode(source.file().toString(), chunk,
              encoded);
          busy = r.busy();
          s.frames = r.frames();
          s.decodeErrors = r.decodeErrors();
          s.error = r.endedEarly() == null ? null : located(r.endedEarly(), source, s.origin);
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(encoded);
          s.error = located(e.getMessage() == null ? e.toString() : e.getMessage(), source,
              s.origin);
          LOG.warn("{} of {}: {}", chunk, s.origin, s.error);
          return s;
        } catch (InterruptedException e) {
          Files.deleteIfExists(encoded);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(s + " cancelled");
        }
      }
      VideoSink.publishSegment(encoded, segment);
      s.millis = (System.nanoTime() - t0) / 1_000_000;
      LOG.info("{} of {}: {} frames in {} ms ({} frames/s; {})", chunk, s.origin, s.frames,
          s.millis, String.format(java.util.Locale.ROOT, "%.1f",
              s.frames * 1000.0 / Math.max(1, s.millis)), busy);
      return s;
    }

    @Override
    public void close() {}
  }

  /** FFmpeg names the file it opened: a staged copy is reported as the input it copies. */
  private static String located(String message, LocalStaging.Staged source, String origin) {
    return source.copy() ? message.replace(source.file().toString(), origin) : message;
  }
}
