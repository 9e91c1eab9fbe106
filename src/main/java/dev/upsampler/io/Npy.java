package dev.upsampler.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): little-endian
 * float32 ({@code <f4}) or float64 ({@code <f8}) in C order on reading, float32 on writing.
 * Anything else is refused with an {@link InvalidInputException} naming the file and the cause:
 * bad magic, unsupported dtype or byte order, Fortran order, a header that does not parse, data
 * shorter or longer than the shape says, or more elements than one Java array holds.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  /** Largest header accepted; real headers are a few hundred bytes. */
  private static final int MAX_HEADER = 1 << 16;

  private Npy() {}

  /** Reads a float32 or float64 array; float64 values are rounded to float32. */
  public static NpyArray read(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path, "no such file");
    }
    if (Files.isDirectory(path)) {
      throw new InvalidInputException(path, "is a directory, expected a .npy file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path, Files.size(path));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(path, "no such file");
    }
  }

  static NpyArray read(InputStream in, Path path, long fileSize) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !startsWithMagic(magic)) {
      throw new InvalidInputException(path, "not a NumPy .npy file (bad magic bytes)");
    }
    int major = magic[6] & 0xff;
    int headerLen;
    int preamble;
    if (major == 1) {
      byte[] len = in.readNBytes(2);
      if (len.length < 2) {
        throw new InvalidInputException(path, "truncated .npy header");
      }
      headerLen = (len[0] & 0xff) | (len[1] & 0xff) << 8;
      preamble = 10;
    } else if (major == 2 || major == 3) {
      byte[] len = in.readNBytes(4);
      if (len.length < 4) {
        throw new InvalidInputException(path, "truncated .npy header");
      }
      long l = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
      if (l > MAX_HEADER) {
        throw new InvalidInputException(path, ".npy header of " + l + " bytes is implausible");
      }
      headerLen = (int) l;
      preamble = 12;
    } else {
      throw new InvalidInputException(path, "unsupported .npy format version " + major);
    }
    byte[] headerBytes = in.readNBytes(headerLen);
    if (headerBytes.length < headerLen) {
      throw new InvalidInputException(path, "truncated .npy header");
    }
    String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, path, "'descr'");
    String fortran = group(FORTRAN, header, path, "'fortran_order'");
    int[] shape = parseShape(group(SHAPE, header, path, "'shape'"), path);
    int itemSize = switch (descr) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      case ">f4", ">f8" -> throw new InvalidInputException(
          path, "big-endian dtype '" + descr + "' is not supported; use little-endian float32");
      default -> throw new InvalidInputException(
          path, "unsupported dtype '" + descr + "'; expected float32 ('<f4') or float64 ('<f8')");
    };
    long count = 1;
    for (int d : shape) {
      count *= d;
      if (count > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(
            path, "shape " + shapeText(shape) + " has more elements than one array can hold");
      }
    }
    long expectedBytes = count * itemSize;
    long dataBytes = fileSize - preamble - headerLen;
    if (dataBytes != expectedBytes) {
      throw new InvalidInputException(
          path, "header says shape " + shapeText(shape) + " of " + descr + " (" + expectedBytes
              + " bytes) but the file holds " + dataBytes + " data bytes"
              + (dataBytes < expectedBytes ? " (truncated?)" : ""));
    }
    byte[] raw = in.readNBytes((int) Math.min(expectedBytes, Integer.MAX_VALUE));
    if (raw.length != expectedBytes) {
      throw new InvalidInputException(path, "truncated data");
    }
    ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    float[] data = new float[(int) count];
    if (itemSize == 4) {
      buf.asFloatBuffer().get(data);
    } else {
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) buf.getDouble();
      }
    }
    // NumPy writes transposed views (TensorFlow's kernels moved to PyTorch's layout) in
    // Fortran (column-major) order: reorder to row-major.
    return new NpyArray(fortran.equals("True") ? rowMajor(data, shape) : data, shape);
  }

  private static float[] rowMajor(float[] columnMajor, int[] shape) {
    float[] out = new float[columnMajor.length];
    int[] index = new int[shape.length];
    for (int i = 0; i < out.length; i++) {
      int src = 0;
      int stride = 1;
      for (int d = 0; d < shape.length; d++) {
        src += index[d] * stride;
        stride *= shape[d];
      }
      out[i] = columnMajor[src];
      for (int d = shape.length - 1; d >= 0; d--) { // next row-major index
        if (++index[d] < shape[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return out;
  }

  private static boolean startsWithMagic(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static String group(Pattern p, String header, Path path, String key)
      throws InvalidInputException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new InvalidInputException(path, ".npy header has no valid " + key + " entry");
    }
    return m.group(1);
  }

  private static int[] parseShape(String text, Path path) throws InvalidInputException {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      try {
        long v = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
        if (v < 0 || v > Integer.MAX_VALUE) {
          throw new InvalidInputException(path, "illegal dimension " + t + " in .npy shape");
        }
        dims.add((int) v);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(path, "unparseable .npy shape (" + text + ")");
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String shapeText(int[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /** Writes a little-endian float32 C-order array atomically (temporary name, then rename). */
  public static void write(Path path, NpyArray array) throws IOException {
    AtomicFiles.write(path, out -> write(out, array));
  }

  /** Writes a float32 {@code .npy} (version 1.0) to a stream. */
  public static void write(OutputStream out, NpyArray array) throws IOException {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText(array.shape())
        + ", }";
    // Header padded with spaces and a newline so that the data starts at a multiple of 64.
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.write(MAGIC);
    head.write(1);
    head.write(0);
    head.write(header.length() & 0xff);
    head.write(header.length() >>> 8);
    head.write(header.getBytes(StandardCharsets.ISO_8859_1));
    out.write(head.toByteArray());
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    float[] data = array.data();
    for (int i = 0; i < data.length; ) {
      buf.clear();
      while (buf.remaining() >= 4 && i < data.length) {
        buf.putFloat(data[i++]);
      }
      out.write(buf.array(), 0, buf.position());
    }
  }
}
