package com.example.frames;

import dev.upsampler.flink.FrameRecord;
import dev.upsampler.flink.Reject;
import dev.upsampler.flink.Upsampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A pipeline of a user's own around Upsampler's operator: the user's source (the photographs of
 * an album, read on the client), the user's filter (drafts stay out), Upsampler's upscaling,
 * and whatever sinks the user likes (here: print).
 *
 * <pre>
 * java -cp ... com.example.frames.AlbumPipeline DIR [KERNEL]
 * </pre>
 */
public final class AlbumPipeline {
  private AlbumPipeline() {}

  /** The album's frames: every file of {@code dir} in name order, as encoded images. */
  public static List<FrameRecord> album(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    List<FrameRecord> frames = new ArrayList<>();
    for (Path f : files) {
      frames.add(FrameRecord.encoded("album", frames.size(), f.getFileName().toString(),
          Files.readAllBytes(f)));
    }
    return frames;
  }

  /** The album without drafts ({@code draft-*} files), upscaled x2 with {@code kernel}. */
  public static DataStream<FrameRecord> upscaled(StreamExecutionEnvironment env,
      List<FrameRecord> album, String kernel) {
    DataStream<FrameRecord> photos = env.fromData(album).name("album")
        .filter(r -> !r.sourceName.startsWith("draft-")).name("no drafts");
    return Upsampling.upscale(photos, kernel, 2);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: AlbumPipeline DIR [KERNEL]");
      System.exit(2);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DataStream<FrameRecord> up = upscaled(env, album(Path.of(args[0])),
        args.length > 1 ? args[1] : "bicubic");
    up.map(r -> r.outputName + ": " + r.data.length + " bytes of PNG").print();
    DataStream<Reject> rejects = Upsampling.rejects(up);
    rejects.map(r -> "rejected " + r.sourceName + ": " + r.reason).print();
    env.execute("album x2");
  }
}
