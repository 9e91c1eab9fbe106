package dev.upsampler.cli;

import dev.upsampler.engine.Size2;
import dev.upsampler.image.Degradation;
import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.learn.TrainingPair;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What {@code train} learns from and measures on: a directory of photographs or a video. */
final class TrainingPictures {
  /** Low-resolution pixels a side below which a photograph teaches nothing (skipped). */
  static final int MIN_SIDE = 16;

  private TrainingPictures() {}

  /** {@code frames} evenly spaced frames of the video, decoded as RGB. */
  static List<TrainingPair> videoFrames(Path video, int frames, Size2 s) throws IOException {
    List<Frame> decoded = new ArrayList<>();
    long total;
    try (VideoReader r = VideoReader.open(video)) {
      total = r.info().frames();
      long every = total > 0 ? Math.max(1, total / Math.max(1, frames)) : 1;
      for (VideoFrame f; (f = r.next()) != null && decoded.size() < frames; ) {
        if (f.index() % every == 0) {
          decoded.add(f.frame());
        }
      }
    }
    List<TrainingPair> pairs = new ArrayList<>();
    for (int i = 0; i < decoded.size(); i++) {
      pairs.add(TrainingPair.of(video.getFileName() + "#" + i, decoded.get(i), s));
    }
    return pairs;
  }

  /**
   * The photographs under {@code dir} (PNG, JPEG, BMP; sorted by path), each with its bicubic
   * copy; one smaller than 16 low-resolution pixels a side is skipped with a line on
   * {@code warnings}.
   */
  static List<TrainingPair> photos(Path dir, Size2 s, PrintWriter warnings) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(dir, "not a directory of photographs");
    }
    List<Path> files;
    try (Stream<Path> st = Files.walk(dir)) {
      files = st.filter(Files::isRegularFile).filter(ImageCodecs::isImageName).sorted().toList();
    }
    List<TrainingPair> pairs = new ArrayList<>();
    for (Path f : files) {
      Frame photo = ImageCodecs.read(f, ImageCodecs.DEFAULT_MAX_PIXELS);
      if (photo.width() < MIN_SIDE * s.w() || photo.height() < MIN_SIDE * s.h()) {
        warnings.println("skipping " + f + ": smaller than " + MIN_SIDE * s.w() + " pixels a side");
        continue;
      }
      pairs.add(TrainingPair.of(f.getFileName().toString(), photo, s));
    }
    return pairs;
  }

  /**
   * Each photograph downscaled by each factor (MATLAB-style bicubic, sides rounded), then paired
   * with its own bicubic copy; named {@code photo@factor}. A copy smaller than {@link #MIN_SIDE}
   * low-resolution pixels a side is left out with a line on {@code warnings}.
   */
  static List<TrainingPair> rescaled(List<TrainingPair> pairs, double[] factors, Size2 s,
      PrintWriter warnings) {
    List<TrainingPair> copies = new ArrayList<>();
    for (TrainingPair p : pairs) {
      for (double f : factors) {
        int w = (int) Math.round(p.hr().width() * f);
        int h = (int) Math.round(p.hr().height() * f);
        String name = p.name() + "@" + f;
        if (w < MIN_SIDE * s.w() || h < MIN_SIDE * s.h()) {
          warnings.println("skipping " + name + ": " + w + "x" + h + ", smaller than "
              + MIN_SIDE * s.w() + " pixels a side");
          continue;
        }
        copies.add(TrainingPair.of(name, Degradation.resize(p.hr(), w, h), s));
      }
    }
    return copies;
  }
}
