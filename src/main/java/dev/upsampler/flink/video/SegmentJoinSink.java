package dev.upsampler.flink.video;

import dev.upsampler.flink.VideoJoinCommitter;
import dev.upsampler.flink.VideoSink;
import dev.upsampler.flink.VideoSinkSerializers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the {@link ChunkSegment}s of each video (in its checkpointed state, so finished chunks
 * survive a failure) and, once all of a video's chunks are in, hands the {@link VideoSink}'s
 * committer a join: after the checkpoint holding it completes, the segments are joined in order
 * by stream copy with the source's audio, the video is published atomically and the segments
 * are removed. Chunks with no frame at all are stepped over (each was reported). Runs with
 * parallelism 1.
 */
final class SegmentJoinSink implements Sink<ChunkSegment>,
    SupportsWriterState<ChunkSegment, ChunkSegment>, SupportsCommitter<VideoSink.Join> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SegmentJoinSink.class);

  @Override
  public Writer createWriter(WriterInitContext context) {
    return new Writer(List.of());
  }

  @Override
  public Writer restoreWriter(WriterInitContext context, Collection<ChunkSegment> state) {
    return new Writer(state);
  }

  @Override
  public SimpleVersionedSerializer<ChunkSegment> getWriterStateSerializer() {
    return new ChunkSegmentSerializer();
  }

  @Override
  public Committer<VideoSink.Join> createCommitter(CommitterInitContext context) {
    return new VideoJoinCommitter();
  }

  @Override
  public SimpleVersionedSerializer<VideoSink.Join> getCommittableSerializer() {
    return new VideoSinkSerializers.Joins();
  }

  static final class Writer implements StatefulSinkWriter<ChunkSegment, ChunkSegment>,
      CommittingSinkWriter<ChunkSegment, VideoSink.Join> {
    /** Segments so far of each video not yet complete, by target and chunk index. */
    private final Map<String, TreeMap<Integer, ChunkSegment>> videos = new LinkedHashMap<>();
    private final List<VideoSink.Join> joins = new ArrayList<>();

    Writer(Collection<ChunkSegment> restored) {
      for (ChunkSegment s : restored) {
        videos.computeIfAbsent(s.target, t -> new TreeMap<>()).put(s.index, s);
      }
    }

    @Override
    public void write(ChunkSegment s, Context context) throws IOException {
      TreeMap<Integer, ChunkSegment> got = videos.computeIfAbsent(s.target, t -> new TreeMap<>());
      ChunkSegment before = got.put(s.index, s);
      if (before != null && !before.origin.equals(s.origin)) {
        throw new IOException(s.target + ": videos " + before.origin + " and " + s.origin
            + " would both write this file; put {stream} in the output path");
      }
      if (got.size() < s.count) {
        return;
      }
      videos.remove(s.target);
      long frames = 0;
      List<Integer> missing = new ArrayList<>();
      for (ChunkSegment c : got.values()) {
        frames += c.frames;
        if (c.frames == 0) {
          missing.add(c.index + 1); // nothing decoded, no segment written
        }
      }
      if (missing.size() == s.count) {
        LOG.error("{}: no chunk of {} could be decoded; no video written", s.target, s.origin);
        return;
      }
      joins.add(VideoSink.Join.whole(new Path(s.target), new Path(s.segmentDir), s.container,
          s.origin, s.count, frames, missing.stream().mapToInt(Integer::intValue).toArray()));
      LOG.info("{}: all {} chunk(s) in ({} frames{}); joining once the checkpoint completes",
          s.target, s.count, frames, missing.isEmpty() ? "" : ", chunks " + missing + " missing");
    }

    @Override
    public void flush(boolean endOfInput) {
      if (endOfInput) {
        for (Map.Entry<String, TreeMap<Integer, ChunkSegment>> v : videos.entrySet()) {
          LOG.error("{}: input ended with {} of {} chunk(s); no video written", v.getKey(),
              v.getValue().size(), v.getValue().firstEntry().getValue().count);
        }
      }
    }

    @Override
    public Collection<VideoSink.Join> prepareCommit() {
      List<VideoSink.Join> out = new ArrayList<>(joins);
      joins.clear();
      return out;
    }

    @Override
    public List<ChunkSegment> snapshotState(long checkpointId) {
      List<ChunkSegment> out = new ArrayList<>();
      videos.values().forEach(v -> out.addAll(v.values()));
      return out;
    }

    @Override
    public void close() {}
  }
}
