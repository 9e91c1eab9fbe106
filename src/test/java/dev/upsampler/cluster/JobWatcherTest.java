package dev.upsampler.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watcher against a scripted REST endpoint: a JobManager that goes away (503 while a leader
 * is elected, 404 until the new one has recovered the job) and comes back is followed to the
 * job's end; an unknown job or a JobManager that stays away is an error.
 */
class JobWatcherTest {
  static final String JOB = "0123456789abcdef0123456789abcdef";
  HttpServer server;

  /**
   * One answer of the scripted JobManager: HTTP status, job state, restarts (the metric),
   * frames, failures in the exception history.
   */
  record Phase(int status, String state, int restarts, int frames, int failures) {
    Phase(int status, String state, int restarts, int frames) {
      this(status, state, restarts, frames, 0);
    }
  }

  FlinkRestClient serve(List<Phase> script) throws IOException {
    AtomicInteger polls = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/jobs/", x -> {
      String path = x.getRequestURI().getPath();
      // Each poll starts with /jobs/ID: that request moves the script on.
      int n = path.equals("/jobs/" + JOB) ? polls.getAndIncrement() : Math.max(0, polls.get() - 1);
      Phase p = script.get(Math.min(n, script.size() - 1));
      if (p.status != 200) {
        answer(x, p.status, "{\"errors\":[\"" + (p.status == 404 ? "Job could not be found."
            : "Service temporarily unavailable due to an ongoing leader election.") + "\"]}");
      } else if (path.endsWith("/accumulators")) {
        answer(x, 200, "{\"user-task-accumulators\":[{\"name\":\"frames-upscaled\",\"value\":\""
            + p.frames + "\"}]}");
      } else if (path.endsWith("/metrics")) {
        answer(x, 200, "[{\"id\":\"numRestarts\",\"value\":\"" + p.restarts + "\"}]");
      } else if (path.endsWith("/exceptions")) {
        StringBuilder entries = new StringBuilder();
        for (int i = p.failures; i > 0; i--) {
          entries.append(entries.length() > 0 ? "," : "").append("{\"exceptionName\":"
              + "\"java.lang.Exception\",\"stacktrace\":\"java.lang.Exception: x\\nCaused by:"
              + " java.io.IOException: failure ").append(i).append("\"}");
        }
        answer(x, 200, "{\"exceptionHistory\":{\"entries\":[" + entries + "]}}");
      } else {
        answer(x, 200, "{\"name\":\"test\",\"state\":\"" + p.state + "\",\"duration\":1000}");
      }
    });
    server.start();
    return new FlinkRestClient("http://127.0.0.1:" + server.getAddress().getPort());
  }

  static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void followsTheJobToANewJobManager() throws Exception {
    FlinkRestClient rest = serve(List.of(
        new Phase(200, "RUNNING", 1, 10),
        new Phase(200, "RUNNING", -1, 11), // the metric missing for a poll
        new Phase(503, null, 0, 0),
        new Phase(404, null, 0, 0),
        new Phase(200, "RUNNING", 0, 3),
        new Phase(200, "FINISHED", 1, 7)));
    List<String> lines = new ArrayList<>();
    JobOutcome o = new JobWatcher(rest, Duration.ofMillis(10), Duration.ofSeconds(30))
        .follow(JOB, Duration.ofMinutes(1), lines::add);
    assertEquals("FINISHED", o.state(), lines.toString());
    assertEquals(1, o.failovers());
    assertEquals(2, o.restarts(), "one before the failover, one after it");
    assertEquals(7, o.counter("frames-upscaled"), "the counters since the last restart");
    assertTrue(lines.stream().anyMatch(l -> l.contains("does not answer (")
        && l.contains("HTTP 503")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("the job is RUNNING again after")
        && l.endsWith("(failover 1)")), lines.toString());
    assertTrue(JobWatcher.counters(o).endsWith("2 restart(s), 1 JobManager failover(s)"),
        JobWatcher.counters(o));
  }

  @Test
  void restartsAreCountedFromTheFailuresWhenTheMetricLags() throws Exception {
    // Flink's REST metric store stops refreshing while a fetch waits on a dead TaskManager:
    // numRestarts stays 0 though the JobManager has handled two failures and restarted twice.
    FlinkRestClient rest = serve(List.of(
        new Phase(200, "RUNNING", 0, 10, 1),
        new Phase(200, "RUNNING", 0, 3, 2),
        new Phase(200, "FINISHED", 0, 7, 2)));
    JobOutcome o = new JobWatcher(rest, Duration.ofMillis(10), Duration.ofSeconds(30))
        .follow(JOB, Duration.ofMinutes(1), l -> { });
    assertEquals(2, o.restarts(), o.toString());
    assertEquals(null, o.failure(), "a finished job reports no failure");

    // A failed job: its last failure was not followed by a restart.
    server.stop(0);
    rest = serve(List.of(new Phase(200, "FAILED", 0, 1, 3)));
    o = new JobWatcher(rest, Duration.ofMillis(10), Duration.ofSeconds(30))
        .follow(JOB, Duration.ofMinutes(1), l -> { });
    assertEquals(2, o.restarts(), o.toString());
    assertEquals("java.io.IOException: failure 3", o.failure());
  }

  @Test
  void anUnknownJobIsAnErrorAtOnce() throws Exception {
    FlinkRestClient rest = serve(List.of(new Phase(404, null, 0, 0)));
    RestStatusException e = assertThrows(RestStatusException.class,
        () -> new JobWatcher(rest, Duration.ofMillis(10), Duration.ofSeconds(30))
            .follow(JOB, Duration.ofMinutes(1), l -> { }));
    assertEquals(404, e.status());
  }

  @Test
  void aJobManagerThatStaysAwayEndsTheWait() throws Exception {
    FlinkRestClient rest = serve(List.of(new Phase(200, "RUNNING", 0, 1),
        new Phase(503, null, 0, 0)));
    IOException e = assertThrows(IOException.class,
        () -> new JobWatcher(rest, Duration.ofMillis(10), Duration.ofMillis(300))
            .follow(JOB, Duration.ofMinutes(1), l -> { }));
    assertTrue(e.getMessage().startsWith("the JobManager did not come back within 0 s (was the"
        + " cluster started with --ha?)"), e.getMessage());
  }

  @Test
  void nothingListeningIsAnAbsentJobManager() {
    IOException refused = new ClusterUnavailableException("http://127.0.0.1:1",
        new java.net.ConnectException("Connection refused"));
    assertTrue(JobWatcher.jobManagerAway(refused, false));
    assertTrue(JobWatcher.jobManagerAway(new RestStatusException("x", 503), false));
    assertTrue(!JobWatcher.jobManagerAway(new RestStatusException("x", 404), false));
    assertTrue(JobWatcher.jobManagerAway(new RestStatusException("x", 404), true));
    assertTrue(!JobWatcher.jobManagerAway(new RestStatusException("x", 400), true));
  }
}
