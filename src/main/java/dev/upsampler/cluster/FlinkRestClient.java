package dev.upsampler.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small client for the Flink REST endpoints a job submission needs ({@code /jars/upload},
 * {@code /jars/:id/run}, {@code /jobs/:id}, accumulators, metrics, exceptions, cancel). Errors
 * carry Flink's own message from the response's {@code errors} array.
 */
public final class FlinkRestClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String endpoint;
  private final HttpClient http;

  public FlinkRestClient(String endpoint) {
    this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1)
        : endpoint;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public String endpoint() {
    return endpoint;
  }

  /** GET a path such as {@code /overview}. */
  public JsonNode get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** Uploads a jar; returns the id Flink gave it. */
  public String uploadJar(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(jar + ": no such job jar (build it with mvn -B -DskipTests"
          + " package)");
    }
    String boundary = "upsampler-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\";"
        + " filename=\"" + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive"
        + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(Files.readAllBytes(jar));
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    JsonNode r = send(HttpRequest.newBuilder(uri("/jars/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    String file = r.path("filename").asText("");
    if (file.isEmpty()) {
      throw new IOException(endpoint + ": jar upload answered without a file name: " + r);
    }
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar's main class with arguments; returns the job id. */
  public String runJar(String jarId, String entryClass, List<String> args, Integer parallelism)
      throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.put("entryClass", entryClass);
    ArrayNode list = req.putArray("programArgsList");
    args.forEach(list::add);
    if (parallelism != null) {
      req.put("parallelism", parallelism);
    }
    JsonNode r = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(req.toString())));
    String id = r.path("jobid").asText("");
    if (id.isEmpty()) {
      throw new IOException(endpoint + ": run answered without a job id: " + r);
    }
    return id;
  }

  public void deleteJar(String jarId) throws IOException {
    send(HttpRequest.newBuilder(uri("/jars/" + jarId)).DELETE());
  }

  /** {@code /jobs/:id}: name, state, vertices with their record counts. */
  public JsonNode job(String jobId) throws IOException {
    return get("/jobs/" + jobId);
  }

  /** The job's user accumulators by name (for example frames-upscaled). */
  public Map<String, Long> accumulators(String jobId) throws IOException {
    Map<String, Long> m = new LinkedHashMap<>();
    for (JsonNode a : get("/jobs/" + jobId + "/accumulators").path("user-task-accumulators")) {
      try {
        m.put(a.path("name").asText(), Long.parseLong(a.path("value").asText()));
      } catch (NumberFormatException e) {
        // not a counter: leave it out
      }
    }
    return m;
  }

  /** A job-level metric such as numRestarts, or -1 when Flink does not report it. */
  public long jobMetric(String jobId, String metric) throws IOException {
    for (JsonNode m : get("/jobs/" + jobId + "/metrics?get=" + metric)) {
      if (metric.equals(m.path("id").asText())) {
        return (long) Double.parseDouble(m.path("value").asText("-1"));
      }
    }
    return -1;
  }

  /**
   * The failures the current JobManager has handled for the job (its exception history): each
   * led to a restart but the last of a FAILED job. Read from the JobManager's own execution
   * graph, it stays current when the REST metric store does not: a metric fetch that waits on a
   * TaskManager that just died holds every later fetch back (up to {@code web.timeout}).
   */
  public record Failures(int count, JsonNode last) {

    /**
     * The latest failure's root cause (exception and message), or null: the last "Caused by:"
     * of its stack trace, which says more than Flink's restart-strategy wrapper. Read only when
     * asked (a FAILED job), not on every poll.
     */
    public String lastRootCause() {
      if (last == null) {
        return null;
      }
      String trace = last.path("stacktrace").asText("");
      String cause = trace.lines().filter(l -> l.startsWith("Caused by: "))
          .reduce((a, b) -> b).map(l -> l.substring("Caused by: ".length()))
          .orElse(trace.lines().findFirst().orElse(last.path("exceptionName").asText("")));
      return cause.isEmpty() ? null : cause;
    }
  }

  /** The job's {@link Failures}: how many, and the latest one's entry. */
  public Failures failures(String jobId) throws IOException {
    JsonNode entries = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory")
        .path("entries");
    if (!entries.isArray() || entries.isEmpty()) {
      return new Failures(0, null);
    }
    return new Failures(entries.size(), entries.get(0));
  }

  public void cancel(String jobId) throws IOException {
    send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  private URI uri(String path) {
    return URI.create(endpoint + path);
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException {
    HttpResponse<String> r;
    try {
      r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new ClusterUnavailableException(endpoint, e);
    } catch (IOException e) {
      // The connection broke under the request (reset, closed without an answer): the
      // JobManager died or is restarting.
      throw new ClusterUnavailableException(endpoint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while talking to " + endpoint, e);
    }
    JsonNode body = r.body().isBlank() ? JSON.createObjectNode() : parse(r.body());
    if (r.statusCode() / 100 != 2) {
      JsonNode errors = body.path("errors");
      String why = errors.isArray() && !errors.isEmpty()
          ? errors.get(0).asText().lines().findFirst().orElse("") : r.body();
      throw new RestStatusException(endpoint + r.request().uri().getPath() + ": HTTP "
          + r.statusCode() + ": " + why, r.statusCode());
    }
    return body;
  }

  private JsonNode parse(String body) throws IOException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException(endpoint + " answered with something other than JSON: "
          + body.lines().findFirst().orElse(""), e);
    }
  }
}
