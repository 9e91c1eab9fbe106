package dev.upsampler.flink;

import dev.upsampler.flink.VideoSink.Join;
import dev.upsampler.io.VideoMuxer;
import dev.upsampler.storage.AtomicPublish;
import dev.upsampler.storage.LocalStaging;
import dev.upsampler.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link VideoSink}'s committer: once the checkpoint holding a {@link Join} is complete, joins
 * the stream's segments packet by packet with the source's audio ({@link VideoMuxer}), publishes
 * the video (renamed into place on a local disk, uploaded once elsewhere) and removes the
 * segments; or publishes one segment as it goes. Idempotent: a commit retried after a failure
 * gives the same file, or finds it already there.
 */
public final class VideoJoinCommitter implements Committer<Join> {
  private static final Logger LOG = LoggerFactory.getLogger(VideoJoinCommitter.class);

  @Override
  public void commit(Collection<CommitRequest<Join>> requests) throws IOException {
    for (CommitRequest<Join> req : requests) {
      Join j = req.getCommittable();
      Path target = new Path(j.target);
      FileSystem fs = target.getFileSystem();
      Path stream = j.keepSegments ? streamTarget(target) : target;
      Path dir = j.segmentDir != null ? new Path(j.segmentDir) : VideoSink.segmentDir(stream);
      List<Path> segments = new ArrayList<>();
      boolean complete = true;
      for (int i = j.first; i <= j.segments; i++) {
        final int n = i;
        if (java.util.Arrays.stream(j.missing).anyMatch(m -> m == n)) {
          continue; // a chunk that could not be decoded: reported, its frames left out
        }
        segments.add(VideoSink.segmentIn(dir, i));
        complete &= dir.getFileSystem().exists(segments.get(segments.size() - 1));
      }
      if (!complete) {
        if (fs.exists(target)) {
          req.signalAlreadyCommitted(); // joined before a failure; segments already gone
        } else {
          req.signalFailedWithKnownReason(new IOException(target
              + ": segments missing, the video cannot be joined"));
        }
        continue;
      }
      fs.mkdirs(target.getParent()); // segments in a work-dir: nothing made the folder yet
      Path audio = j.keepSegments ? null : audioSource(j.audioFrom);
      long audioPackets = join(segments, audio, target, j.container);
      if (j.keepSegments) {
        LOG.info("{}: segment {} published", target, j.first);
        continue;
      }
      dir.getFileSystem().delete(dir, true);
      LOG.info("{}: {} frames from {} segment(s){}", target, j.frames, j.segments,
          audio == null ? "" : ", audio copied (" + audioPackets + " packets)");
    }
  }

  /**
   * Joins local copies of the segments (and of the audio's source) into a local file, then
   * publishes it: renamed into place on a local disk, uploaded once elsewhere.
   */
  private static long join(List<Path> segments, Path audio, Path target, String container)
      throws IOException {
    List<LocalStaging.Staged> staged = new ArrayList<>();
    java.nio.file.Path joined = Storage.isLocal(target)
        ? Storage.localFile(target).resolveSibling("." + target.getName() + ".joining")
        : LocalStaging.scratchFile(target.getName());
    try {
      List<java.nio.file.Path> local = new ArrayList<>();
      for (Path p : segments) {
        staged.add(LocalStaging.stage(p));
        local.add(staged.get(staged.size() - 1).file());
      }
      String audioFile = null;
      if (audio != null) {
        staged.add(LocalStaging.stage(audio));
        audioFile = staged.get(staged.size() - 1).file().toString();
      }
      long packets = VideoMuxer.join(local, audioFile, joined, container);
      if (Storage.isLocal(target)) {
        Files.move(joined, Storage.localFile(target), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        AtomicPublish.upload(joined, target);
      }
      return packets;
    } finally {
      Files.deleteIfExists(joined);
      for (LocalStaging.Staged s : staged) {
        s.close();
      }
    }
  }

  /** The source file to copy audio from, or null (a live URL: nothing to read again). */
  private static Path audioSource(String origin) {
    if (origin == null) {
      return null;
    }
    try {
      Path p = Storage.resolve(origin);
      return p.getFileSystem().exists(p) ? p : null;
    } catch (IOException | RuntimeException e) {
      return null; // udp://, rtsp://...: no file system of Flink's
    }
  }

  @Override
  public void close() {}

  /** The stream's output for a published segment's path ({@code NAME-000007.EXT} -> NAME.EXT). */
  static Path streamTarget(Path publishedSegment) {
    String name = publishedSegment.getName();
    return new Path(publishedSegment.getParent(),
        name.replaceFirst("-\\d{6}(\\.[^.]*)?$", "$1"));
  }
}
