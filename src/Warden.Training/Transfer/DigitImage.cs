using System.Globalization;

namespace Warden.Training.Transfer;

/// <summary>
/// One handwritten digit of <c>samples/data/digits.csv</c> (UCI optical recognition of handwritten digits, as shipped by
/// scikit-learn): 64 ink values 0–16 on an 8×8 grid, row-major, and its label 0–9.
/// </summary>
/// <param name="Pixels">The 64 ink values.</param>
/// <param name="Label">The digit.</param>
public sealed record DigitImage(float[] Pixels, int Label)
{
    /// <summary>Side of the grid.</summary>
    public const int Side = 8;

    /// <summary>Side of the image ResNet18 takes.</summary>
    public const int ImageSide = 224;

    /// <summary>Loads every row of the CSV (no header: 64 values then the label).</summary>
    /// <exception cref="InvalidDataException">A row has the wrong length or a value is not a number in range.</exception>
    public static IReadOnlyList<DigitImage> Load(string path)
    {
        var result = new List<DigitImage>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length != Side * Side + 1)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected {Side * Side + 1} values, found {parts.Length}.");
            }

            var values = parts.Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new InvalidDataException($"{path}:{lineNumber}: '{p}' is not a number.")).ToArray();
            var label = (int)values[^1];
            if (label is < 0 or > 9 || values[..^1].Any(v => v is < 0 or > 16))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: pixels must be 0–16 and the label 0–9.");
            }

            result.Add(new DigitImage(values[..^1], label));
        }

        return result;
    }

    /// <summary>
    /// The digit as the RGB image the backbone takes: float [3, 224, 224], channel-major, values 0–255. Each grid cell
    /// becomes a 28×28 block (nearest-neighbour upscaling keeps the strokes' values exact) and ink is drawn dark on white,
    /// like a scanned page: intensity 255·(1 − v/16) in all three channels.
    /// </summary>
    public float[] ToRgbImage()
    {
        const int block = ImageSide / Side;
        var image = new float[3 * ImageSide * ImageSide];
        for (var y = 0; y < ImageSide; y++)
        {
            for (var x = 0; x < ImageSide; x++)
            {
                var value = 255f * (1f - Pixels[(y / block * Side) + (x / block)] / 16f);
                for (var c = 0; c < 3; c++)
                {
                    image[(c * ImageSide * ImageSide) + (y * ImageSide) + x] = value;
                }
            }
        }

        return image;
    }
}
