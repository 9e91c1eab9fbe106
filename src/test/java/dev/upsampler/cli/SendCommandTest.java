package dev.upsampler.cli;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.testing.CliRun;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code send}: a paced live stream a reader receives, and its bad options. */
class SendCommandTest {

  /**
   * What goes on the wire: MPEG-TS in datagrams of seven 188-byte packets, spread over the
   * stream's duration (paced, not sent as fast as possible). Decoding it is the soak's part
   * (jobs/soak.sh, SoakIT).
   */
  @Test
  void sendsPacedMpegTsDatagrams() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(3000);
      String url = "udp://127.0.0.1:" + socket.getLocalPort();
      CompletableFuture<CliRun> sender = CompletableFuture.supplyAsync(
          () -> run("send", "--to", url, "--size", "320x180", "--seconds", "4"));
      byte[] buf = new byte[65536];
      List<Long> arrivals = new ArrayList<>();
      long bytes = 0;
      while (true) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (java.net.SocketTimeoutException e) {
          if (sender.isDone()) {
            break;
          }
          continue;
        }
        arrivals.add(System.nanoTime());
        bytes += p.getLength();
        assertEquals(0, p.getLength() % 188, "whole TS packets: " + p.getLength());
        for (int o = 0; o < p.getLength(); o += 188) {
          assertEquals(0x47, buf[o] & 0xff, "TS sync byte at " + o);
        }
      }
      CliRun r = sender.get(30, TimeUnit.SECONDS);
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().startsWith("sent 100 frames of 320x180 at 25.00 frames/s to " + url),
          r.out());
      double spread = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e9;
      System.out.printf("send: %d datagrams, %d bytes over %.2f s%n", arrivals.size(), bytes,
          spread);
      assertTrue(spread > 3.5 && spread < 6, "paced over the 4 s of the stream: " + spread);
      assertTrue(bytes > 10_000, "a picture's worth of data: " + bytes);
    }
  }

  @Test
  void badOptionsAreRefusedWithTheirNames() {
    CliRun r = run("send", "--to", "udp://127.0.0.1:9", "--size", "12");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--size must be WIDTHxHEIGHT, at least 2x2, got '12'"), r.err());
    r = run("send", "--to", "udp://127.0.0.1:9", "--seconds", "0");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--seconds must be positive"), r.err());
    r = run("send", "--to", "udp://127.0.0.1:9", "--input", "/no/such/clip.mp4");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("/no/such/clip.mp4: no such video file"), r.err());
  }
}
