package com.example.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.flink.FrameRecord;
import dev.upsampler.flink.Reject;
import dev.upsampler.flink.Upsampling;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The album pipeline on a MiniCluster at parallelism 2, checked pixel by pixel. */
class AlbumPipelineTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  /** Random pictures, a draft, and a file that is no image. */
  private Path album(Random rnd) throws IOException {
    for (int i = 0; i < 6; i++) {
      BufferedImage img = new BufferedImage(20 + 3 * i, 17 + i, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, rnd.nextInt(1 << 24));
        }
      }
      ImageIO.write(img, "png", dir.resolve("photo-" + i + ".png").toFile());
    }
    Files.copy(dir.resolve("photo-0.png"), dir.resolve("draft-0.png"));
    Files.writeString(dir.resolve("notes.png"), "not a picture");
    return dir;
  }

  record Result(List<FrameRecord> frames, List<Reject> rejects) {}

  private Result run(String kernel) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<FrameRecord> up = AlbumPipeline.upscaled(env, AlbumPipeline.album(dir), kernel);
    CloseableIterator<FrameRecord> frames = up.collectAsync();
    CloseableIterator<Reject> rejects = Upsampling.rejects(up).collectAsync();
    env.executeAsync("album");
    List<FrameRecord> f = new ArrayList<>();
    frames.forEachRemaining(f::add);
    List<Reject> r = new ArrayList<>();
    rejects.forEachRemaining(r::add);
    f.sort(Comparator.comparingLong(x -> x.sequence));
    return new Result(f, r);
  }

  private static BufferedImage decode(byte[] png) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(png));
  }

  @Test
  void nearestRepeatsEveryPixelTwiceEachWay() throws Exception {
    album(new Random(7));
    Result r = run("nearest");
    assertEquals(List.of("photo-0.png", "photo-1.png", "photo-2.png", "photo-3.png",
        "photo-4.png", "photo-5.png"), r.frames().stream().map(x -> x.outputName).toList());
    for (FrameRecord f : r.frames()) {
      BufferedImage in = ImageIO.read(dir.resolve(f.sourceName).toFile());
      BufferedImage out = decode(f.data);
      assertEquals(2 * in.getWidth(), out.getWidth(), f.outputName);
      assertEquals(2 * in.getHeight(), out.getHeight(), f.outputName);
      for (int y = 0; y < out.getHeight(); y++) {
        for (int x = 0; x < out.getWidth(); x++) {
          assertEquals(in.getRGB(x / 2, y / 2), out.getRGB(x, y),
              f.outputName + " at " + x + "," + y);
        }
      }
    }
    assertEquals(1, r.rejects().size(), r.rejects().toString());
    assertEquals("notes.png", r.rejects().get(0).sourceName);
    assertTrue(r.rejects().get(0).reason.contains("notes.png"), r.rejects().get(0).reason);
  }

  @Test
  void bicubicKeepsAFlatPictureFlatAndDoublesItsSize() throws Exception {
    BufferedImage grey = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 24; x++) {
        grey.setRGB(x, y, 0x406080);
      }
    }
    ImageIO.write(grey, "png", dir.resolve("flat.png").toFile());
    Result r = run("bicubic");
    assertEquals(1, r.frames().size());
    BufferedImage out = decode(r.frames().get(0).data);
    assertEquals(48, out.getWidth());
    assertEquals(32, out.getHeight());
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 48; x++) {
        assertEquals(0x406080, out.getRGB(x, y) & 0xffffff, "at " + x + "," + y);
      }
    }
  }

  /** The published artifact brings no Flink of its own: one copy of each Flink class. */
  @Test
  void oneFlinkOnTheClassPath() throws IOException {
    String cls = "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class";
    List<URL> copies = Collections.list(getClass().getClassLoader().getResources(cls));
    assertEquals(1, copies.size(), copies.toString());
  }
}
