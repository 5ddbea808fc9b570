using System.Globalization;
using Warden.Core.Data;

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
        CsvTable table;
        try
        {
            table = CsvTable.ReadHeaderless(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (table.ColumnNames.Count != (Side * Side) + 1)
        {
            throw new InvalidDataException($"{path}:1: expected {(Side * Side) + 1} values, found {table.ColumnNames.Count}.");
        }

        var columns = table.ColumnNames.Select(table.Column).ToArray();
        var result = new DigitImage[table.RowCount];
        for (var row = 0; row < result.Length; row++)
        {
            var record = row + 1;
            var values = columns.Select(c => float.TryParse(c[row], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new InvalidDataException($"{path}:{record}: '{c[row]}' is not a number.")).ToArray();
            var label = (int)values[^1];
            if (label is < 0 or > 9 || values[..^1].Any(v => v is < 0 or > 16))
            {
                throw new InvalidDataException($"{path}:{record}: pixels must be 0–16 and the label 0–9.");
            }

            result[row] = new DigitImage(values[..^1], label);
        }

        return result;
    }

    /// <summary>
    /// The digit as the RGB image the backbone takes: float [3, 224, 224], channel-major, values 0–255. The 8×8 grid is
    /// upscaled 28× by bilinear interpolation between cell centres (half-pixel alignment, edges clamped), and ink is drawn
    /// dark on white like a scanned page: intensity 255·(1 − v/16) in all three channels. Bilinear rather than
    /// nearest-neighbour because smooth strokes are closer to the natural images ResNet18 was trained on: with blocky
    /// upscaling the frozen features scored 0.686 instead of 0.792 accuracy at 5 images per class (docs/transfer-learning.md).
    /// </summary>
    public float[] ToRgbImage()
    {
        const int scale = ImageSide / Side;
        const int plane = ImageSide * ImageSide;
        var image = new float[3 * plane];
        for (var y = 0; y < ImageSide; y++)
        {
            var sy = ((y + 0.5) / scale) - 0.5;
            var y0 = (int)Math.Floor(sy);
            var fy = sy - y0;
            for (var x = 0; x < ImageSide; x++)
            {
                var sx = ((x + 0.5) / scale) - 0.5;
                var x0 = (int)Math.Floor(sx);
                var fx = sx - x0;
                var v = ((1 - fy) * (((1 - fx) * Cell(y0, x0)) + (fx * Cell(y0, x0 + 1)))) +
                        (fy * (((1 - fx) * Cell(y0 + 1, x0)) + (fx * Cell(y0 + 1, x0 + 1))));
                var value = (float)(255 * (1 - (v / 16)));
                image[(y * ImageSide) + x] = value;
                image[plane + (y * ImageSide) + x] = value;
                image[(2 * plane) + (y * ImageSide) + x] = value;
            }
        }

        return image;
    }

    private double Cell(int row, int column) => Pixels[(Math.Clamp(row, 0, Side - 1) * Side) + Math.Clamp(column, 0, Side - 1)];
}
