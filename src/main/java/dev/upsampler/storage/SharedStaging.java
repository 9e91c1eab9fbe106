package dev.upsampler.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;

/**
 * Staged copies of remote files shared within one JVM: the chunks of one video on S3 that a
 * TaskManager reads one after another, or two of its subtasks at once, use one download instead
 * of one each. A copy stays {@link #LINGER} after its last reader is done, so that the next
 * chunk finds it, then it is deleted (and at the latest when the JVM exits). Copies are keyed by
 * the file's URI, length and modification time: a file replaced meanwhile is copied again.
 * Local files are used in place, as by {@link LocalStaging#stage}.
 */
public final class SharedStaging {
  /** How long an unused copy waits for another reader. */
  static final Duration LINGER = Duration.ofSeconds(30);

  private static final Map<String, Entry> COPIES = new HashMap<>();
  private static final ScheduledExecutorService REAPER =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "upsampler-staging-reaper");
        t.setDaemon(true);
        return t;
      });

  private SharedStaging() {}

  /** One shared copy: its readers, and its deletion once none is left. */
  private static final class Entry {
    final String key;
    LocalStaging.Staged copy;
    int readers;
    ScheduledFuture<?> expiry;

    Entry(String key) {
      this.key = key;
    }
  }

  /** {@code p} itself when local, else the JVM's shared copy of it (copied on first use). */
  public static LocalStaging.Staged stage(Path p) throws IOException {
    if (Storage.isLocal(p)) {
      return LocalStaging.stage(p);
    }
    FileStatus st = LocalStaging.status(p);
    String key = p.toUri() + "|" + st.getLen() + "|" + st.getModificationTime();
    Entry e;
    synchronized (COPIES) {
      e = COPIES.computeIfAbsent(key, Entry::new);
      e.readers++;
      if (e.expiry != null) {
        e.expiry.cancel(false);
        e.expiry = null;
      }
    }
    try {
      synchronized (e) { // one download; other readers of the same file wait for it
        if (e.copy == null) {
          e.copy = LocalStaging.stage(p);
          e.copy.file().toFile().deleteOnExit();
        }
      }
    } catch (IOException | RuntimeException x) {
      release(e);
      throw x;
    }
    Entry entry = e;
    return new LocalStaging.Staged(e.copy.file(), true, () -> release(entry));
  }

  private static void release(Entry e) {
    synchronized (COPIES) {
      if (--e.readers == 0) {
        e.expiry = REAPER.schedule(() -> expire(e), LINGER.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private static void expire(Entry e) {
    synchronized (COPIES) {
      if (e.readers > 0 || COPIES.get(e.key) != e) {
        return;
      }
      COPIES.remove(e.key);
    }
    synchronized (e) {
      if (e.copy != null) {
        try {
          e.copy.close();
        } catch (IOException ignored) {
          // deleted on exit at the latest
        }
      }
    }
  }

  /** Deletes every copy no reader holds now, without waiting for the linger (tests). */
  static void expireUnused() {
    Entry[] all;
    synchronized (COPIES) {
      all = COPIES.values().toArray(new Entry[0]);
    }
    for (Entry e : all) {
      expire(e);
    }
  }
}
