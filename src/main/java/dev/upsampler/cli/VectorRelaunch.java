package dev.upsampler.cli;

import dev.upsampler.engine.VectorSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gives {@code java -jar upsampler.jar} the SIMD engine. The Vector API is an incubator module
 * that the JVM resolves only with {@code --add-modules jdk.incubator.vector}, and a jar manifest
 * cannot add it; so when it is missing, the launcher runs the same command once more in a child
 * JVM with the flag (same JVM options, class path and arguments), passes its output through
 * (minus the JVM's "Using incubator modules" warning) and exits with its status. The child also
 * gets 32 MB G1 regions (unless a GC flag was given), so that video frames are not humongous.
 * Stopping the launcher ({@code kill PID}, a service manager's SIGTERM) stops the child the same
 * way and waits for it to finish (a training saves, a job cancels), so no JVM is left orphaned.
 *
 * <p>Off when {@code UPSAMPLER_RELAUNCH=false} or {@code -Dupsampler.relaunch=false}; if the
 * child cannot be started the command runs here on the scalar path.
 */
final class VectorRelaunch {
  static final String MARK = "upsampler.relaunched";
  static final String REGION_FLAG = "-XX:G1HeapRegionSize=32m";
  /** How long a stopped child may take to finish its step and save before it is killed. */
  static final long STOP_GRACE_SECONDS = 60;
  private static final String WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

  private VectorRelaunch() {}

  static boolean wanted() {
    return !VectorSupport.moduleAvailable()
        && System.getProperty(MARK) == null
        && !"false".equals(System.getProperty("upsampler.relaunch"))
        && !"false".equals(System.getenv("UPSAMPLER_RELAUNCH"));
  }

  /** Runs the command in a child JVM; empty if it could not be started. */
  static Optional<Integer> run(String[] args) {
    Optional<String> java = ProcessHandle.current().info().command();
    if (java.isEmpty()) {
      return Optional.empty();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java.get());
    cmd.add(VectorSupport.JVM_FLAG);
    List<String> given = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (given.stream().noneMatch(a -> a.startsWith("-XX:G1HeapRegionSize")
        || a.startsWith("-XX:+Use"))) {
      // Video frames are 3 to 11 MB: with G1's default regions each one is a "humongous"
      // allocation; 32 MB regions keep them ordinary (measured: 720p->1440p video +15% frames/s).
      cmd.add(REGION_FLAG);
    }
    cmd.addAll(given);
    cmd.add("-D" + MARK + "=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.INHERIT)
          .redirectOutput(ProcessBuilder.Redirect.INHERIT)
          .start();
      Thread errors = new Thread(() -> copyErrors(p), "upsampler-relaunch-stderr");
      errors.start();
      Thread stopChild = new Thread(() -> stop(p, errors), "upsampler-relaunch-stop");
      Runtime.getRuntime().addShutdownHook(stopChild);
      int status = p.waitFor();
      errors.join();
      try {
        Runtime.getRuntime().removeShutdownHook(stopChild);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already stopping the child
      }
      return Optional.of(status);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(130);
    }
  }

  /** The launcher is going down: the same signal for the child, then a bounded wait for it. */
  private static void stop(Process child, Thread errors) {
    if (!child.isAlive()) {
      return;
    }
    child.destroy();
    try {
      if (!child.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
      errors.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void copyErrors(Process p) {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.equals(WARNING)) {
          System.err.println(line);
        }
      }
    } catch (IOException e) {
      // the child is gone; nothing more to copy
    }
  }
}
