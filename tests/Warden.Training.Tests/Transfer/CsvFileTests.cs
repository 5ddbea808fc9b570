using Warden.Training.Transfer;

namespace Warden.Training.Tests.Transfer;

/// <summary>The digits file and a model's background.csv are read with quoting: a quoted value is one value.</summary>
public sealed class CsvFileTests
{
    [Fact]
    public void Digits_with_quoted_values_and_crlf_lines_load_like_bare_ones()
    {
        var bare = File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/digits.csv")).Take(2).ToList();
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, string.Join("\r\n", bare.Select(line => string.Join(",", line.Split(',').Select(v => $"\"{v}\"")))) + "\r\n");

            var quoted = DigitImage.Load(path);
            var expected = DigitImage.Load(Warden.Tests.RepoFiles.Path("samples/data/digits.csv")).Take(2).ToList();

            Assert.Equal(expected.Select(d => d.Label), quoted.Select(d => d.Label));
            Assert.Equal(expected[1].Pixels, quoted[1].Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_digit_row_of_the_wrong_length_is_named()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, string.Join(",", Enumerable.Repeat("0", 65)) + "\n" + string.Join(",", Enumerable.Repeat("0", 64)) + "\n");

            var ex = Assert.Throws<InvalidDataException>(() => DigitImage.Load(path));

            Assert.Contains("record 2", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_background_file_with_a_quoted_header_and_values_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, string.Join(",", HmdaDataset.FeatureNames.Select(n => $"\"{n}\"")) + "\n" + string.Join(",", Enumerable.Range(1, 12).Select(i => $"\"{i}\"")) + "\n");

            var rows = CreditRiskBaseModel.ReadBackground(path);

            Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i), Assert.Single(rows).Features());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
