package dev.upsampler.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code java -jar upsampler.jar} without the Vector API runs its command in a child JVM. */
class VectorRelaunchTest {

  /**
   * {@code kill PID} on the launcher (what scripts, service managers and the tests' own cleanup
   * do) must stop the child too: before, the child kept running with nobody to stop it.
   */
  @Test
  @Timeout(120)
  void stoppingTheLauncherStopsItsChild() throws Exception {
    int port;
    try (DatagramSocket free = new DatagramSocket(0)) {
      port = free.getLocalPort();
    }
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    // No --add-modules: the launcher relaunches. send runs for ten minutes unless stopped.
    Process launcher = new ProcessBuilder(List.of(javaBin, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "send",
        "--to", "udp://127.0.0.1:" + port, "--size", "64x64", "--seconds", "600"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    ProcessHandle child = null;
    try {
      child = awaitChild(launcher);
      launcher.destroy(); // SIGTERM to the launcher only
      assertTrue(launcher.waitFor(VectorRelaunch.STOP_GRACE_SECONDS + 10, TimeUnit.SECONDS),
          "the launcher exits");
      assertTrue(child.onExit().orTimeout(10, TimeUnit.SECONDS).handle((h, e) -> e == null).get(),
          "the child JVM " + child.pid() + " stopped with its launcher");
      assertFalse(child.isAlive());
    } finally {
      if (child != null) {
        child.destroyForcibly();
      }
      launcher.destroyForcibly();
    }
  }

  private static ProcessHandle awaitChild(Process launcher) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> child = launcher.children().findFirst();
      if (child.isPresent()) {
        Thread.sleep(2000); // let it get going (loading FFmpeg, sending)
        return child.get();
      }
      if (!launcher.isAlive()) {
        throw new UncheckedIOException(new IOException(
            "the launcher exited with " + launcher.exitValue() + " before relaunching"));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no child JVM within 60 s");
  }
}
