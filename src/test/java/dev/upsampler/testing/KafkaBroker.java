package dev.upsampler.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for tests, started and stopped by {@code jobs/kafka.sh} as a user would
 * (KRaft, one JVM, on 127.0.0.1 and two free ports, data under the test's directory).
 */
public final class KafkaBroker implements AutoCloseable {
  private final Path home;
  private final int port;

  private KafkaBroker(Path home, int port) {
    this.home = home;
    this.port = port;
  }

  public static KafkaBroker start(Path home) throws IOException, InterruptedException {
    KafkaBroker b = new KafkaBroker(home, freePortPair());
    b.script("start");
    return b;
  }

  /** Starts it again after {@link #stop} (same data, same port). */
  public void restart() throws IOException, InterruptedException {
    script("start");
  }

  public void stop() throws IOException, InterruptedException {
    script("stop");
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** {@code kafka://127.0.0.1:PORT/TOPIC}. */
  public String topic(String name) {
    return "kafka://" + bootstrap() + "/" + name;
  }

  private void script(String command) throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath();
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("jobs/kafka.sh").toString(),
        command));
    Files.createDirectories(home);
    Path log = home.resolve("script.out");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("UPSAMPLER_KAFKA_HOME", home.toString());
    pb.environment().put("UPSAMPLER_KAFKA_PORT", Integer.toString(port));
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("jobs/kafka.sh " + command + " took over 180 s: "
          + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      throw new IOException("jobs/kafka.sh " + command + " failed: " + Files.readString(log));
    }
  }

  /** A free port whose successor (the controller's) is free too. */
  private static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        p = s.getLocalPort();
      }
      try (ServerSocket s = new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IOException("no two consecutive free ports");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
