package dev.upsampler.flink;

import dev.upsampler.io.VideoMuxer;
import dev.upsampler.io.VideoSettings;
import dev.upsampler.io.VideoWriter;
import dev.upsampler.storage.AtomicPublish;
import dev.upsampler.storage.LocalStaging;
import dev.upsampler.storage.Storage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes each stream's upscaled frames (arriving in order) into one video file, exactly once
 * across failures:
 *
 * <ol>
 *   <li>frames go into a segment ({@code .NAME.segments/seg-000001.nut.inprogress}, one encoder
 *       per segment, same settings throughout);
 *   <li>at each checkpoint the open segment is finished and renamed, and the writer's state
 *       records how many segments are final; a restore deletes everything after that count and
 *       the source replays the frames that were in it;
 *   <li>at the end of the stream (its end marker, or the end of a bounded input) the last
 *       segment is finished and a join is handed to the committer, which runs once the
 *       checkpoint holding it is complete (or at the end of a job without checkpoints): it joins
 *       the segments packet by packet, copies the source's audio beside them ({@link
 *       VideoMuxer}), publishes the file by rename and removes the segments. Joining is
 *       idempotent, so a commit retried after a failure gives the same file.
 * </ol>
 *
 * With {@code segments: true} each segment is also published, once its checkpoint is complete,
 * as {@code NAME-000001.EXT} beside the output: a live stream's video appears as it goes.
 * Frames keep their source timestamps (on the frame-rate grid). Outputs go to any Flink file
 * system: on a local disk the encoder writes the segment in place and renames it; elsewhere (S3)
 * it writes a local file ({@link LocalStaging}) that is uploaded when the segment is final, the
 * committer joins local copies of the segments, and the video is uploaded once, whole ({@link
 * AtomicPublish}). {@code {stream}} in the output path is replaced by the stream's name. Runs
 * with parallelism 1: one encoder per stream, all streams in one writer.
 */
public final class VideoSink implements Sink<FrameRecord>,
    SupportsWriterState<FrameRecord, VideoSink.StreamState>,
    SupportsCommitter<VideoSink.Join> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(VideoSink.class);
  /**
   * Segments are always NUT, FFmpeg's own container: any codec goes in, packets copy out cleanly,
   * and it keeps the encoder's time base (Matroska rounds every timestamp to a millisecond, so a
   * 30 fps frame at 33,333 us came out at 33,000).
   */
  public static final String SEGMENT_CONTAINER = "nut";

  private final String output;
  private final VideoSettings settings;
  private final double defaultFrameRate;
  private final boolean publishSegments;

  public VideoSink(String output, VideoSettings settings, double defaultFrameRate) {
    this(output, settings, defaultFrameRate, false);
  }

  /**
   * @param publishSegments also publish each segment, once its checkpoint is complete, as
   *     {@code NAME-000001.EXT} beside the output (a live stream's video as it goes; no audio)
   */
  public VideoSink(String output, VideoSettings settings, double defaultFrameRate,
      boolean publishSegments) {
    this.output = output;
    this.settings = settings;
    this.defaultFrameRate = defaultFrameRate;
    this.publishSegments = publishSegments;
  }

  /** Where segment {@code n} of a stream is published. */
  static Path published(Path target, int n) {
    String name = target.getName();
    int dot = name.lastIndexOf('.');
    return new Path(target.getParent(), String.format("%s-%06d%s", dot > 0
        ? name.substring(0, dot) : name, n, dot > 0 ? name.substring(dot) : ""));
  }

  /** Where a stream's video goes. */
  Path targetFor(String stream) {
    return Storage.resolve(output.replace("{stream}", stream));
  }

  public static Path segmentDir(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".segments");
  }

  public static Path segment(Path target, int n) {
    return segmentIn(segmentDir(target), n);
  }

  /** Segment {@code n} in a directory of segments. */
  public static Path segmentIn(Path dir, int n) {
    return new Path(dir, String.format("seg-%06d.nut", n));
  }

  @Override
  public Writer createWriter(WriterInitContext context) throws IOException {
    return new Writer(context, List.of());
  }

  @Override
  public Writer restoreWriter(WriterInitContext context, Collection<StreamState> state)
      throws IOException {
    return new Writer(context, state);
  }

  @Override
  public SimpleVersionedSerializer<StreamState> getWriterStateSerializer() {
    return new VideoSinkSerializers.State();
  }

  @Override
  public Committer<Join> createCommitter(CommitterInitContext context) {
    return new VideoJoinCommitter();
  }

  @Override
  public SimpleVersionedSerializer<Join> getCommittableSerializer() {
    return new VideoSinkSerializers.Joins();
  }

  /** A stream as the checkpoint remembers it: where it goes and how many segments are final. */
  public static final class StreamState implements Serializable {
    private static final long serialVersionUID = 1L;
    String stream;
    String target;
    String origin;
    double frameRate;
    int width;
    int height;
    int segments;
    long frames;
    long lastTimestampMicros = -1;
    long lastSequence = -1;

    /** A copy for a checkpoint: the live object keeps changing after the snapshot. */
    StreamState copy() {
      StreamState c = new StreamState();
      c.stream = stream;
      c.target = target;
      c.origin = origin;
      c.frameRate = frameRate;
      c.width = width;
      c.height = height;
      c.segments = segments;
      c.frames = frames;
      c.lastTimestampMicros = lastTimestampMicros;
      c.lastSequence = lastSequence;
      return c;
    }
  }

  /**
   * What the committer does: join segments {@code first..last} (and the audio) into {@code
   * target}; the whole stream when it has ended (then the segments go), or one segment to
   * publish (they stay). A chunked video names the chunks that could not be decoded in {@code
   * missing}: the join steps over them.
   */
  public static final class Join implements Serializable {
    private static final long serialVersionUID = 1L;
    String target;
    String container;
    String audioFrom;
    int first = 1;
    int segments;
    long frames;
    boolean keepSegments;
    int[] missing = new int[0];
    /** Where the segments are, when not beside the target ({@code work-dir}). */
    String segmentDir;

    /**
     * The whole video from segments {@code 1..segments} in {@code segmentDir} (except {@code
     * missing}) and the audio.
     */
    public static Join whole(Path target, Path segmentDir, String container, String audioFrom,
        int segments, long frames, int[] missing) {
      Join j = new Join();
      j.segmentDir = segmentDir.toString();
      j.target = target.toString();
      j.container = container;
      j.audioFrom = audioFrom;
      j.segments = segments;
      j.frames = frames;
      j.missing = missing.clone();
      return j;
    }

    /** Segment numbers the join steps over (chunks with no frame). */
    public int[] missing() {
      return missing.clone();
    }
  }

  final class Writer implements StatefulSinkWriter<FrameRecord, StreamState>,
      CommittingSinkWriter<FrameRecord, Join> {
    private final Map<String, Open> streams = new LinkedHashMap<>();
    private final List<Join> joins = new ArrayList<>();
    private final Counter encoded;
    private final Counter refused;

    Writer(WriterInitContext context, Collection<StreamState> restored) throws IOException {
      var g = context.metricGroup().addGroup("upsampler");
      encoded = g.counter("framesEncoded");
      refused = g.counter("framesRefused");
      for (StreamState s : restored) {
        dropAfter(new Path(s.target), s.segments);
        streams.put(s.stream, new Open(s.copy()));
        LOG.info("{}: resuming after {} final segment(s), {} frame(s)", s.target, s.segments,
            s.frames);
      }
    }

    @Override
    public void write(FrameRecord r, Context context) throws IOException {
      if (r.skip) {
        return; // a dropped or rejected frame: its time slot stays empty
      }
      Open o = streams.get(r.streamId);
      if (o == null) {
        o = start(r);
      }
      if (r.endOfStream) {
        finish(r.streamId, o);
        return;
      }
      if (r.sequence <= o.state.lastSequence) {
        // Later frames are already encoded: putting this one at the end would be worse than
        // leaving its time slot empty.
        refused.inc();
        LOG.warn("{}: frame {} arrived after frame {} was written; left out", o.state.target,
            r.sequence, o.state.lastSequence);
        return;
      }
      if (o.state.width == 0) {
        o.state.width = r.width;
        o.state.height = r.height;
      }
      if (r.width != o.state.width || r.height != o.state.height) {
        refused.inc();
        LOG.warn("{}: frame {} is {}x{}, the video is {}x{}: left out", o.state.target,
            r.sequence, r.width, r.height, o.state.width, o.state.height);
        return;
      }
      if (o.encoder == null) {
        o.state.segments++; // numbered now; final only once closed at a checkpoint
        o.encoderFile = encoderFile(segment(new Path(o.state.target), o.state.segments));
        o.encoder = VideoWriter.open(o.encoderFile, o.state.width, o.state.height,
            o.state.frameRate, settings.withContainer(SEGMENT_CONTAINER));
      }
      long ts = r.timestampMicros >= 0 ? r.timestampMicros
          : Math.round(r.sequence * 1e6 / o.state.frameRate);
      // Jittery live timestamps can fall into the previous frame's slot: time must rise, also
      // across segments (each has its own encoder).
      long slot = Math.round(1e6 / o.state.frameRate);
      if (o.state.lastTimestampMicros >= 0 && ts < o.state.lastTimestampMicros + slot) {
        ts = o.state.lastTimestampMicros + slot;
      }
      o.state.lastTimestampMicros = ts;
      o.state.lastSequence = r.sequence;
      o.encoder.write(Raw.frame(r), ts);
      o.state.frames++;
      encoded.inc();
    }

    private Open start(FrameRecord r) throws IOException {
      StreamState s = new StreamState();
      s.stream = r.streamId;
      Path target = targetFor(r.streamId);
      for (Open other : streams.values()) {
        if (other.state.target.equals(target.toString())) {
          throw new IOException(target + ": streams " + other.state.stream + " and "
              + r.streamId + " would both write this file; put {stream} in the output path");
        }
      }
      s.target = target.toString();
      s.origin = r.origin;
      s.frameRate = r.frameRate > 0 ? r.frameRate : defaultFrameRate;
      dropAfter(target, 0); // leftovers of an attempt that no checkpoint remembers
      segmentDir(target).getFileSystem().mkdirs(segmentDir(target));
      Open o = new Open(s);
      streams.put(r.streamId, o);
      return o;
    }

    private void finish(String stream, Open o) throws IOException {
      closeAndPublish(o);
      streams.remove(stream);
      if (o.state.segments == 0) {
        LOG.warn("{}: the stream ended without a single frame; no video written",
            o.state.target);
        return;
      }
      Join j = new Join();
      j.target = o.state.target;
      j.container = settings.container();
      j.audioFrom = o.state.origin;
      j.segments = o.state.segments;
      j.frames = o.state.frames;
      joins.add(j);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (endOfInput) {
        for (String s : new ArrayList<>(streams.keySet())) {
          finish(s, streams.get(s));
        }
      }
    }

    /** Finishes the open segment; with publishing on, queues it for the committer. */
    private void closeAndPublish(Open o) throws IOException {
      if (o.closeSegment() && publishSegments) {
        Join j = new Join();
        j.target = published(new Path(o.state.target), o.state.segments).toString();
        j.container = settings.container();
        j.first = o.state.segments;
        j.segments = o.state.segments;
        j.frames = -1;
        j.keepSegments = true;
        joins.add(j);
      }
    }

    @Override
    public Collection<Join> prepareCommit() throws IOException {
      if (publishSegments) {
        for (Open o : streams.values()) {
          closeAndPublish(o); // its checkpoint is being taken: the segment is final
        }
      }
      List<Join> out = new ArrayList<>(joins);
      joins.clear();
      return out;
    }

    @Override
    public List<StreamState> snapshotState(long checkpointId) throws IOException {
      List<StreamState> out = new ArrayList<>();
      for (Open o : streams.values()) {
        o.closeSegment();
        out.add(o.state.copy());
      }
      return out;
    }

    @Override
    public void close() throws IOException {
      for (Open o : streams.values()) {
        if (o.encoder != null) {
          o.encoder.close(); // its file stays .inprogress: a restore deletes it
          o.encoder = null;
          if (!Storage.isLocal(new Path(o.state.target))) {
            Files.deleteIfExists(o.encoderFile); // a local scratch file: never uploaded
          }
        }
      }
    }
  }

  /** A stream being written: its state and the encoder of its open segment. */
  private static final class Open {
    final StreamState state;
    VideoWriter encoder;
    /** The local file the encoder writes (in place on a local disk, else scratch). */
    java.nio.file.Path encoderFile;

    Open(StreamState state) {
      this.state = state;
    }

    /** Finishes the open segment and makes it final; false if none was open. */
    boolean closeSegment() throws IOException {
      if (encoder == null) {
        return false;
      }
      encoder.close();
      encoder = null;
      publishSegment(encoderFile, segment(new Path(state.target), state.segments));
      return true;
    }
  }

  /**
   * The local file an encoder writes {@code segment} into: beside it on a local disk (renamed
   * into place when final), else a local scratch file (uploaded).
   */
  public static java.nio.file.Path encoderFile(Path segment) throws IOException {
    return Storage.isLocal(segment)
        ? Storage.localFile(new Path(segment.getParent(), segment.getName() + ".inprogress"))
        : LocalStaging.scratchFile(segment.getName());
  }

  /** Makes {@code segment} final from the file {@link #encoderFile} gave, replacing any. */
  public static void publishSegment(java.nio.file.Path encoderFile, Path segment)
      throws IOException {
    if (Storage.isLocal(segment)) {
      Files.move(encoderFile, Storage.localFile(segment), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } else {
      try {
        AtomicPublish.upload(encoderFile, segment);
      } finally {
        Files.deleteIfExists(encoderFile);
      }
    }
  }

  /** Deletes segments numbered above {@code keep} and every unfinished one. */
  static void dropAfter(Path target, int keep) throws IOException {
    Path dir = segmentDir(target);
    FileSystem fs = dir.getFileSystem();
    if (!fs.exists(dir)) {
      return;
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      boolean unfinished = n.endsWith(".inprogress");
      boolean beyond = n.matches("seg-\\d{6}\\.nut")
          && Integer.parseInt(n.substring(4, 10)) > keep;
      if (unfinished || beyond) {
        fs.delete(f.getPath(), false);
      }
    }
  }
}
