package dev.upsampler.flink.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The record format's headers: {@code seq} (decimal) and {@code name} (UTF-8). */
final class FrameHeaders {
  static final String SEQ = "seq";
  static final String NAME = "name";

  private FrameHeaders() {}

  static String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static void put(Headers headers, String key, String value) {
    if (value != null) {
      headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
