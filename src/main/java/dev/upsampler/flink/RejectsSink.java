package dev.upsampler.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.upsampler.storage.AtomicPublish;
import dev.upsampler.storage.Storage;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.Path;

/**
 * The rejects report: {@code <output>/_rejects.jsonl}, one JSON object per rejected frame
 * ({@code source}, {@code reason}, {@code time}), rewritten atomically whenever Flink flushes the
 * sink (at checkpoints and at the end). Run with parallelism 1. The name starts with an
 * underscore, which Flink's file source skips, so the report is never read back as input.
 */
public final class RejectsSink implements Sink<Reject> {
  private static final long serialVersionUID = 1L;
  public static final String FILE = "_rejects.jsonl";
  private final String output;

  public RejectsSink(String output) {
    this.output = output;
  }

  @Override
  public SinkWriter<Reject> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      private final List<Reject> rejects = new ArrayList<>();
      private final ObjectMapper json = new ObjectMapper();

      @Override
      public void write(Reject r, Context c) {
        rejects.add(r);
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        if (rejects.isEmpty()) {
          return;
        }
        StringBuilder sb = new StringBuilder();
        for (Reject r : rejects) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("source", r.sourceName);
          line.put("reason", r.reason);
          line.put("time", java.time.Instant.ofEpochMilli(r.timeMillis).toString());
          sb.append(json.writeValueAsString(line)).append('\n');
        }
        AtomicPublish.write(new Path(Storage.resolve(output), FILE),
            sb.toString().getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void close() {}
    };
  }
}
