package dev.upsampler.cli;

import dev.upsampler.engine.Tensor;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints each (image, channel) plane of a tensor as an aligned matrix. */
final class MatrixPrinter {
  private MatrixPrinter() {}

  static void print(Tensor t, PrintWriter out) {
    for (int b = 0; b < t.n(); b++) {
      for (int c = 0; c < t.c(); c++) {
        out.println("output " + t.shapeString() + ", image " + b + ", channel " + c + ":");
        String[][] cells = new String[t.h()][t.w()];
        int width = 1;
        for (int y = 0; y < t.h(); y++) {
          for (int x = 0; x < t.w(); x++) {
            cells[y][x] = format(t.get(b, c, y, x));
            width = Math.max(width, cells[y][x].length());
          }
        }
        for (String[] row : cells) {
          StringBuilder line = new StringBuilder();
          for (int x = 0; x < row.length; x++) {
            line.append(x == 0 ? "" : " ").append(" ".repeat(width - row[x].length())).append(row[x]);
          }
          out.println(line);
        }
      }
    }
    out.flush();
  }

  /** Integers without a fraction, other values with up to six significant digits. */
  static String format(float v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7f) {
      return Integer.toString((int) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains(".") && !s.contains("e")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
