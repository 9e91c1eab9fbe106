package dev.upsampler.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: S3Proxy (the jar the build copies to {@code target/s3proxy}) in a
 * JVM of its own (its dependencies clash with Flink's), on 127.0.0.1 and a free port, objects
 * stored as files under a directory of the test's, AWS signatures checked. Stopped by its
 * process handle; a start that takes more than a minute fails.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "upsampler-test";
  public static final String SECRET_KEY = "s3cr3t-never-printed";
  private static final Path JAR = Path.of("target/s3proxy/s3proxy.jar");

  private final Process process;
  private final int port;
  private final Path data;

  private S3Server(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  /** Starts a server keeping its objects and log under {@code dir}. */
  public static S3Server start(Path dir) throws IOException, InterruptedException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: the build copies it"
          + " (mvn process-test-resources)");
    }
    int port = freePort();
    Path data = Files.createDirectories(dir.resolve("s3-data"));
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2",
        "jclouds.filesystem.basedir=" + data.toAbsolutePath()) + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(),
        "--properties", props.toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    S3Server s = new S3Server(p, port, data);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!s.listening()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        s.close();
        throw new IOException("S3Proxy did not start on port " + port + ": "
            + Files.readString(dir.resolve("s3proxy.log")).lines().reduce("", (a, b) -> b));
      }
      Thread.sleep(100);
    }
    return s;
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Creates a bucket (with this store a bucket is a directory). */
  public void createBucket(String name) throws IOException {
    Files.createDirectories(data.resolve(name));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Flink settings that reach this server, as a user passes them with {@code -D}. */
  public Map<String, String> flinkSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("s3.endpoint", endpoint());
    m.put("s3.path.style.access", "true");
    m.put("s3.access-key", ACCESS_KEY);
    m.put("s3.secret-key", SECRET_KEY);
    m.put("s3.region", "us-east-1");
    return m;
  }

  /** The same as command-line arguments: {@code -D KEY=VALUE ...}. */
  public String[] flags() {
    return flinkSettings().entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of("-D", e.getKey() + "=" + e.getValue()))
        .toArray(String[]::new);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
