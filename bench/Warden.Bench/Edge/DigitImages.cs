using System.Globalization;

namespace Warden.Bench.Edge;

/// <summary>The 8×8 UCI digits (samples/data/digits.csv) as 224×224 RGB tensors for ResNet18.</summary>
internal static class DigitImages
{
    public const int Side = 224;

    public static (float[] Image, int Label)[] Load(string path, int count) =>
        File.ReadLines(path).Take(count).Select(line =>
        {
            var values = line.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return (Upscale(values.AsSpan(0, 64)), values[64]);
        }).ToArray();

    // Bilinear upscaling of the 0–16 grid to 224×224, scaled to 0–255, centred at 128, and copied to three channels.
    private static float[] Upscale(ReadOnlySpan<int> pixels)
    {
        var image = new float[3 * Side * Side];
        for (var y = 0; y < Side; y++)
        {
            var sy = Math.Clamp(((y + 0.5) * 8 / Side) - 0.5, 0, 7);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, 7);
            var fy = sy - y0;
            for (var x = 0; x < Side; x++)
            {
                var sx = Math.Clamp(((x + 0.5) * 8 / Side) - 0.5, 0, 7);
                var x0 = (int)sx;
                var x1 = Math.Min(x0 + 1, 7);
                var fx = sx - x0;
                var v = ((1 - fy) * (((1 - fx) * pixels[(y0 * 8) + x0]) + (fx * pixels[(y0 * 8) + x1])))
                    + (fy * (((1 - fx) * pixels[(y1 * 8) + x0]) + (fx * pixels[(y1 * 8) + x1])));
                var value = (float)((v * 255 / 16) - 128);
                for (var c = 0; c < 3; c++)
                {
                    image[(c * Side * Side) + (y * Side) + x] = value;
                }
            }
        }

        return image;
    }
}
