package dev.upsampler.io;

import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reads PNG (8/16-bit gray, gray+alpha, RGB, RGBA, palette), JPEG (gray, RGB, CMYK and YCCK
 * through TwelveMonkeys, EXIF orientation applied) and BMP into {@link Frame}s; writes PNG (8 or
 * 16 bits) and JPEG (quality 0..1). Samples are taken as stored, without colour management.
 *
 * <p>Refusals name the file: missing, empty, not an image, truncated or corrupt (decoder warnings
 * count as errors: ImageIO fills a truncated JPEG with grey and only warns), and images whose
 * header claims more pixels than the limit, refused before any pixel memory is allocated.
 */
public final class ImageCodecs {
  /** Default limit on width x height: 256 megapixels (a 16384 x 16384 frame). */
  public static final long DEFAULT_MAX_PIXELS = 256L << 20;

  static {
    ImageIO.setUseCache(false); // no temporary files; streams stay in memory
  }

  private ImageCodecs() {}

  /** True if the file name has an extension this reader handles. */
  public static boolean isImageName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp");
  }

  public static Frame read(Path path, long maxPixels) throws IOException {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path, "no such file");
    }
    if (Files.isDirectory(path)) {
      throw new InvalidInputException(path, "is a directory, expected an image file");
    }
    if (Files.size(path) == 0) {
      throw new InvalidInputException(path, "empty file (0 bytes)");
    }
    byte[] bytes = Files.readAllBytes(path);
    return decode(bytes, path, maxPixels);
  }

  /** Decodes image bytes; {@code name} appears in errors and in the frame's info. */
  public static Frame decode(byte[] bytes, Path name, long maxPixels) throws IOException {
    if (bytes.length == 0) {
      throw new InvalidInputException(name, "empty file (0 bytes)");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(
        new java.io.ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidInputException(name, "not a recognised image (expected PNG, JPEG or"
            + " BMP)");
      }
      ImageReader reader = readers.next();
      StringBuilder warnings = new StringBuilder();
      reader.addIIOReadWarningListener((r, w) -> {
        if (meansLostData(w)) {
          warnings.append(warnings.length() > 0 ? "; " : "").append(w);
        }
      });
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if ((long) w * h > maxPixels) {
          throw new InvalidInputException(name, String.format(Locale.ROOT,
              "header claims %dx%d = %s, above the limit of %s (--max-pixels):"
                  + " refused before decoding", w, h, pixels((long) w * h), pixels(maxPixels)));
        }
        // Decode straight into band order (RGB, not the BGR the JDK's readers prefer), so the
        // decoder's array becomes the frame's without a second copy of the image.
        ImageReadParam param = reader.getDefaultReadParam();
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        ImageTypeSpecifier natural = types.hasNext() ? types.next() : null;
        for (ImageTypeSpecifier spec = natural; spec != null;
            spec = types.hasNext() ? types.next() : null) {
          if (sameColors(spec, natural) && spec.getColorModel() instanceof ComponentColorModel
              && inBandOrder(spec.getSampleModel())) {
            param.setDestinationType(spec);
            break;
          }
        }
        BufferedImage img = reader.read(0, param);
        if (warnings.length() > 0) {
          throw new InvalidInputException(name, "truncated or corrupt " + reader.getFormatName()
              + " data (" + warnings + ")");
        }
        Frame f = toFrame(img, FrameInfo.ofFile(name.getFileName().toString()));
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (format.contains("jpeg") || format.contains("jpg")) {
          f = Orientation.apply(f, Orientation.ofJpeg(bytes));
        }
        return f;
      } catch (InvalidInputException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new InvalidInputException(name, "truncated or corrupt " + reader.getFormatName()
            + " data (" + e.getMessage() + ")", e);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * Decoder warnings that mean pixels were lost (a truncated or damaged stream). Others, such as
   * a CMYK JPEG without an ICC profile, describe how the pixels were read and are not errors.
   */
  static boolean meansLostData(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("premature") || w.contains("corrupt") || w.contains("truncat")
        || w.contains("end of") || w.contains("missing") || w.contains("bad huffman");
  }

  /** Samples of a decoded image in the nearest {@link PixelLayout}. */
  public static Frame toFrame(BufferedImage img, FrameInfo info) {
    ColorModel cm = img.getColorModel();
    Raster r = img.getRaster();
    int w = img.getWidth();
    int h = img.getHeight();
    int bands = r.getNumBands();
    int type = r.getTransferType();
    boolean direct = cm instanceof ComponentColorModel && !(cm instanceof IndexColorModel)
        && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT)
        && bands >= 1 && bands <= 4 && cm.getNumComponents() == bands
        && cm.getColorSpace().getNumComponents() == (cm.hasAlpha() ? bands - 1 : bands)
        && (bands - (cm.hasAlpha() ? 1 : 0) == 1 || bands - (cm.hasAlpha() ? 1 : 0) == 3);
    if (direct) {
      int bits = type == DataBuffer.TYPE_BYTE ? 8 : 16;
      PixelLayout layout = PixelLayout.of(cm.hasAlpha() ? bands - 1 : bands, cm.hasAlpha(), bits);
      byte[] own = samplesAsStored(r, w, h, bands);
      if (own != null) {
        return Frame.of8(layout, w, h, own, info); // the decoder's array, no copy
      }
      // Row by row: a whole-image int[] would need four bytes per sample.
      int[] row = new int[w * bands];
      byte[] d8 = bits == 8 ? new byte[w * h * bands] : null;
      short[] d16 = bits == 16 ? new short[w * h * bands] : null;
      for (int y = 0; y < h; y++) {
        r.getPixels(0, y, w, 1, row);
        int o = y * w * bands;
        for (int i = 0; i < row.length; i++) {
          if (d8 != null) {
            d8[o + i] = (byte) row[i];
          } else {
            d16[o + i] = (short) row[i];
          }
        }
      }
      return d8 != null ? Frame.of8(layout, w, h, d8, info) : Frame.of16(layout, w, h, d16, info);
    }
    // Palette, packed and other models: through sRGB ARGB.
    boolean alpha = cm.hasAlpha();
    boolean gray = cm instanceof IndexColorModel icm && isGrayPalette(icm) && !alpha;
    PixelLayout layout = gray ? PixelLayout.GRAY8 : alpha ? PixelLayout.RGBA32 : PixelLayout.RGB24;
    int ch = layout.channels();
    byte[] d = new byte[w * h * ch];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        int o = (y * w + x) * ch;
        if (gray) {
          d[o] = (byte) (argb & 0xff);
          continue;
        }
        d[o] = (byte) (argb >> 16);
        d[o + 1] = (byte) (argb >> 8);
        d[o + 2] = (byte) argb;
        if (alpha) {
          d[o + 3] = (byte) (argb >>> 24);
        }
      }
    }
    return Frame.of8(layout, w, h, d, info);
  }

  /** Same colour space, alpha and bands as the reader's natural type: only the order may differ. */
  private static boolean sameColors(ImageTypeSpecifier a, ImageTypeSpecifier b) {
    ColorModel ca = a.getColorModel();
    ColorModel cb = b.getColorModel();
    return ca.getColorSpace().equals(cb.getColorSpace()) && ca.hasAlpha() == cb.hasAlpha()
        && a.getNumBands() == b.getNumBands()
        && a.getSampleModel().getTransferType() == b.getSampleModel().getTransferType();
  }

  private static boolean inBandOrder(java.awt.image.SampleModel sm) {
    if (!(sm instanceof java.awt.image.PixelInterleavedSampleModel p)) {
      return false;
    }
    int[] offsets = p.getBandOffsets();
    for (int i = 0; i < offsets.length; i++) {
      if (offsets[i] != i) {
        return false;
      }
    }
    return p.getPixelStride() == offsets.length;
  }

  /** The raster's own bytes when they are already interleaved in band order, densely. */
  private static byte[] samplesAsStored(Raster r, int w, int h, int bands) {
    if (!(r.getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1
        || !(r.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm)
        || r.getSampleModelTranslateX() != 0 || r.getSampleModelTranslateY() != 0
        || sm.getPixelStride() != bands || sm.getScanlineStride() != w * bands
        || db.getOffset() != 0 || db.getData().length != w * h * bands) {
      return null;
    }
    int[] offsets = sm.getBandOffsets();
    for (int i = 0; i < bands; i++) {
      if (offsets[i] != i) {
        return null;
      }
    }
    return db.getData();
  }

  private static boolean isGrayPalette(IndexColorModel icm) {
    for (int i = 0; i < icm.getMapSize(); i++) {
      if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) {
        return false;
      }
    }
    return true;
  }

  /** A BufferedImage over the frame's own samples (no copy). */
  public static BufferedImage toImage(Frame f) {
    PixelLayout l = f.layout();
    int ch = l.channels();
    int[] offsets = new int[ch];
    for (int i = 0; i < ch; i++) {
      offsets[i] = i;
    }
    DataBuffer buf = l.bitsPerSample() == 8
        ? new DataBufferByte(f.bytes(), f.bytes().length)
        : new DataBufferUShort(f.shorts(), f.shorts().length);
    WritableRaster raster = Raster.createInterleavedRaster(buf, f.width(), f.height(),
        f.width() * ch, ch, offsets, null);
    ColorSpace cs = ColorSpace.getInstance(l.isGray() ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
    ColorModel cm = new ComponentColorModel(cs, l.hasAlpha(), false,
        l.hasAlpha() ? Transparency.TRANSLUCENT : Transparency.OPAQUE, buf.getDataType());
    return new BufferedImage(cm, raster, false, null);
  }

  /** A pixel count for messages: megapixels when large, exact pixels when small. */
  static String pixels(long n) {
    return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1f megapixels", n / 1e6)
        : n + " pixels";
  }

  /** The format an output name's extension names: png, jpg (.jpg, .jpeg) or bmp; else null. */
  public static String formatOfName(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".png")) {
      return "png";
    }
    if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
      return "jpg";
    }
    return n.endsWith(".bmp") ? "bmp" : null;
  }

  /**
   * The output format: {@code format} when given (png, jpg, jpeg or bmp), else the one the
   * path's extension names.
   *
   * @throws IllegalArgumentException for an unknown format, or an extension naming none
   */
  public static String formatFor(Path path, String format) {
    if (format != null) {
      String f = format.toLowerCase(Locale.ROOT);
      return switch (f) {
        case "png", "bmp" -> f;
        case "jpg", "jpeg" -> "jpg";
        default -> throw new IllegalArgumentException("unknown output format '" + format
            + "'; expected png, jpg or bmp");
      };
    }
    String byName = formatOfName(path);
    if (byName == null) {
      throw new IllegalArgumentException(path + ": its extension names no format this tool"
          + " writes; name it .png, .jpg, .jpeg or .bmp");
    }
    return byName;
  }

  /** The frame encoded as PNG, JPEG or BMP bytes (same rules as {@link #write}). */
  public static byte[] encode(Frame f, String format, float quality) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    encodeTo(f, Path.of("frame." + format), format, quality, out);
    return out.toByteArray();
  }

  /**
   * Writes a frame atomically: PNG keeps 8 or 16 bits and alpha; JPEG and BMP take 8-bit gray or
   * RGB (JPEG {@code quality} 0..1), so 16-bit samples are scaled to 8 bits and alpha is refused.
   */
  public static void write(Frame f, Path path, String format, float quality) throws IOException {
    AtomicFiles.write(path, stream -> encodeTo(f, path, format, quality, stream));
  }

  private static void encodeTo(Frame f, Path path, String format, float quality,
      java.io.OutputStream stream) throws IOException {
    String fmt = formatFor(path, format);
    Frame out = f;
    if (fmt.equals("jpg")) {
      if (f.layout().hasAlpha()) {
        throw new InvalidInputException(path, "JPEG cannot store alpha; write PNG (--format png)");
      }
      if (f.layout().bitsPerSample() == 16) {
        out = to8Bit(f);
      }
    }
    if (fmt.equals("bmp")) {
      if (f.layout().hasAlpha()) {
        throw new InvalidInputException(path, "BMP output here has no alpha; write PNG");
      }
      if (f.layout().bitsPerSample() == 16) {
        out = to8Bit(f);
      }
    }
    BufferedImage img = fmt.equals("bmp") ? standard(toImage(out)) : toImage(out);
    ImageWriter writer = ImageIO.getImageWritersByFormatName(
        fmt.equals("jpg") ? "jpeg" : fmt).next();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(stream)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (fmt.equals("jpg")) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
      }
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /** An 8-bit gray or RGB image as the JDK's BMP writer takes it (BGR bytes or gray bytes). */
  private static BufferedImage standard(BufferedImage img) {
    int type = img.getColorModel().getNumComponents() == 1 ? BufferedImage.TYPE_BYTE_GRAY
        : BufferedImage.TYPE_3BYTE_BGR;
    BufferedImage std = new BufferedImage(img.getWidth(), img.getHeight(), type);
    std.getRaster().setRect(img.getRaster()); // same bands in the same order: no colour change
    return std;
  }

  /**
   * Writes an 8-bit PNG whose rows are computed strip by strip while it is encoded, atomically:
   * memory for one strip of {@code stripRows} rows, whatever the image's size.
   */
  public static void writePngStreaming(Path path, int width, int height, int channels,
      int stripRows, StripedImage.Rows rows) throws IOException {
    StripedImage img = new StripedImage(width, height, channels, stripRows, rows);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try {
      AtomicFiles.write(path, stream -> {
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(stream)) {
          writer.setOutput(ios);
          writer.write(null, new IIOImage(img, null, null), writer.getDefaultWriteParam());
        }
      });
    } finally {
      writer.dispose();
    }
  }

  static Frame to8Bit(Frame f) {
    PixelLayout l8 = PixelLayout.of(f.layout().colorChannels(), f.layout().hasAlpha(), 8);
    short[] s = f.shorts();
    byte[] d = new byte[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = (byte) (((s[i] & 0xffff) * 255 + 32767) / 65535);
    }
    return Frame.of8(l8, f.width(), f.height(), d, f.info());
  }
}
