package dev.upsampler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live soak as users run it, {@code jobs/soak.sh} against the packaged jar (runs in
 * {@code verify}, after {@code package}): jobs/live.yaml on an embedded Flink fed a 640x360
 * MPEG-TS stream over UDP by {@code send} for five minutes (system property
 * {@code upsampler.soak.minutes}); the script checks frames out, resident memory, latency and
 * checkpoint size, and exits non-zero when a figure misses. Both JVMs end with the script (it
 * waits for them; its exit trap kills them by PID otherwise).
 */
class SoakIT {
  static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void aLiveStreamOfFiveMinutesHoldsItsFigures() throws Exception {
    String minutes = System.getProperty("upsampler.soak.minutes", "5");
    Path dir = ROOT.resolve("target/soak-it");
    Path log = ROOT.resolve("target/soak-it.out");
    int udp;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udp = s.getLocalPort();
    }
    int ui;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ui = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("jobs/soak.sh").toString(),
        minutes).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("UPSAMPLER_SOAK_DIR", dir.toString());
    pb.environment().put("UPSAMPLER_SOAK_PORT", Integer.toString(udp));
    pb.environment().put("UPSAMPLER_SOAK_UI_PORT", Integer.toString(ui));
    Process p = pb.start();
    boolean ended = p.waitFor(Long.parseLong(minutes) * 60 + 240, TimeUnit.SECONDS);
    if (!ended) {
      p.destroy(); // the script's trap stops the job and the sender by PID
      p.waitFor(20, TimeUnit.SECONDS);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.print(out);
    assertTrue(ended, "the soak ended in time");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("every figure held"), out);
  }
}
