package dev.upsampler.flink.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.flink.FrameRecord;
import dev.upsampler.flink.Reject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The record format both ways, topic addresses, and the record limit before a Kafka sink. */
class RecordFormatTest {

  static FrameRecord read(ConsumerRecord<byte[], byte[]> r, int max) {
    List<FrameRecord> out = new ArrayList<>();
    new FrameDeserializer(max).deserialize(r, new Collector<>() {
      @Override
      public void collect(FrameRecord f) {
        out.add(f);
      }

      @Override
      public void close() {}
    });
    assertEquals(1, out.size());
    return out.get(0);
  }

  static ConsumerRecord<byte[], byte[]> record(String key, String seq, String name, byte[] v) {
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("cams", 1, 42L,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), v);
    if (seq != null) {
      r.headers().add("seq", seq.getBytes(StandardCharsets.UTF_8));
    }
    if (name != null) {
      r.headers().add("name", name.getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }

  @Test
  void readsKeyHeadersAndValueAndNumbersByOffsetWithoutSeq() {
    FrameRecord f = read(record("camA", "7", "a.jpg", new byte[] {1, 2}), 100);
    assertEquals("camA", f.streamId);
    assertEquals(7, f.sequence);
    assertEquals("a.jpg", f.sourceName);
    assertArrayEquals(new byte[] {1, 2}, f.data);
    assertNull(f.error);

    FrameRecord bare = read(record(null, null, null, new byte[] {1}), 100);
    assertEquals("", bare.streamId);
    assertEquals(42, bare.sequence, "numbered by its offset");
    assertEquals("frame_00000042.png", bare.sourceName);
  }

  @Test
  void badRecordsCarryTheirErrorAndWhereTheyCameFrom() {
    assertTrue(read(record("k", "x1", "a.png", new byte[] {1}), 100).error
        .contains("cams/1@42: header seq='x1' is not a frame number"));
    assertTrue(read(record("k", "1", "a.png", new byte[0]), 100).error
        .contains("cams/1@42 (a.png): empty record"));
    assertTrue(read(record("k", "1", "a.png", new byte[101]), 100).error
        .contains("101 bytes, above max-record-bytes 100"));
  }

  @Test
  void writesTheSameFormatItReads() {
    FrameRecord f = new FrameRecord();
    f.streamId = "camA";
    f.sequence = 3;
    f.outputName = "frame_0003.png";
    f.data = new byte[] {5};
    ProducerRecord<byte[], byte[]> p = new FrameSerializer("out").serialize(f, null, null);
    assertEquals("out", p.topic());
    assertEquals("camA", new String(p.key(), StandardCharsets.UTF_8));
    assertEquals("3", new String(p.headers().lastHeader("seq").value(), StandardCharsets.UTF_8));
    assertEquals("frame_0003.png",
        new String(p.headers().lastHeader("name").value(), StandardCharsets.UTF_8));

    Reject j = new Reject("b.png", "not an image", 0);
    j.streamId = "camA";
    j.sequence = 4;
    ProducerRecord<byte[], byte[]> r = new RejectSerializer("out-rejects").serialize(j, null, null);
    assertEquals("{\"source\":\"b.png\",\"seq\":4,\"reason\":\"not an image\","
        + "\"time\":\"1970-01-01T00:00:00Z\"}", new String(r.value(), StandardCharsets.UTF_8));
  }

  @Test
  void parsesTopicAddresses() {
    KafkaTopic t = KafkaTopic.parse("kafka://a:9092,b:9093/cams.x2");
    assertEquals("a:9092,b:9093", t.bootstrapServers());
    assertEquals("cams.x2", t.topic());
    assertEquals("kafka://a:9092,b:9093/cams.x2-rejects", t.withTopic("cams.x2-rejects").toString());
    for (String bad : new String[] {"kafka://a/t", "kafka://a:1/", "kafka://a:1/t/u", "a:1/t",
        "kafka://a:1/t$"}) {
      assertThrows(IllegalArgumentException.class, () -> KafkaTopic.parse(bad), bad);
    }
  }

  @Test
  void aFrameAboveTheRecordLimitIsARejectAndMarkersStayOut() throws Exception {
    OneInputStreamOperatorTestHarness<FrameRecord, FrameRecord> h =
        ProcessFunctionTestHarnesses.forProcessFunction(new KafkaConnectors.RecordLimit(10));
    FrameRecord small = new FrameRecord();
    small.sourceName = "s.png";
    small.data = new byte[10];
    FrameRecord big = new FrameRecord();
    big.sourceName = "b.png";
    big.streamId = "camA";
    big.sequence = 9;
    big.data = new byte[11];
    FrameRecord marker = new FrameRecord();
    marker.skip = true;
    h.processElement(new StreamRecord<>(small));
    h.processElement(new StreamRecord<>(big));
    h.processElement(new StreamRecord<>(marker));
    List<FrameRecord> out = h.extractOutputValues();
    assertEquals(1, out.size(), "the small frame only: " + out);
    assertEquals("s.png", out.get(0).sourceName);
    var rejects = h.getSideOutput(KafkaConnectors.RecordLimit.REJECTS);
    assertEquals(1, rejects.size());
    Reject j = rejects.poll().getValue();
    assertEquals("b.png", j.sourceName);
    assertEquals(9, j.sequence);
    assertTrue(j.reason.contains("11 bytes, above max-record-bytes 10"), j.reason);
  }
}
