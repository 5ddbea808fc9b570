using Warden.Core.Data;
using Warden.Core.Fairness;

namespace Warden.Core.Tests.Data;

public class CsvTableTests
{
    [Fact]
    public void Quoted_fields_with_commas_quotes_and_newlines_are_parsed()
    {
        var t = CsvTable.Parse(new StringReader("a,\"b\"\n\"x,1\",\"say \"\"hi\"\"\"\n\"multi\nline\",2\n"));
        Assert.Equal(["a", "b"], t.ColumnNames);
        Assert.Equal(["x,1", "multi\nline"], t.Column("a"));
        Assert.Equal(["say \"hi\"", "2"], t.Column("b"));
    }

    [Fact]
    public void A_file_without_a_header_names_columns_by_position_and_keeps_its_first_record()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "1,\"a,b\"\r\n2,\"c\nd\"\r\n");

            var t = CsvTable.ReadHeaderless(path);

            Assert.Equal(["1", "2"], t.ColumnNames);
            Assert.Equal(["1", "2"], t.Column("1"));
            Assert.Equal(["a,b", "c\nd"], t.Column("2"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Selecting_columns_skips_the_others_and_unknown_column_is_named()
    {
        var t = CsvTable.Parse(new StringReader("a,b,c\n1,2,3\n"), ["c"]);
        Assert.Equal(["c"], t.ColumnNames);
        var ex = Assert.Throws<ArgumentException>(() => CsvTable.Parse(new StringReader("a,b\n1,2\n"), ["z"]));
        Assert.Contains("'z'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ragged_record_is_rejected_with_its_number()
    {
        var ex = Assert.Throws<InvalidDataException>(() => CsvTable.Parse(new StringReader("a,b\n1,2\n3\n")));
        Assert.Contains("record 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_column_is_thresholded_at_greater_or_equal()
    {
        var t = CsvTable.Parse(new StringReader("y,s,g\nYes,0.8,a\nNo,0.79,a\nYes,0.2,b\n"));
        var d = FairnessCsvReader.FromTable(t, new FairnessCsvOptions { Label = "y", Score = "s", Threshold = 0.8, Sensitive = ["g"], PositiveLabel = "Yes" });
        Assert.Equal(new byte[] { 1, 0, 0 }, d.Predictions);
        Assert.Equal(new byte[] { 1, 0, 1 }, d.Labels);
    }

    [Fact]
    public void Non_numeric_score_is_reported_with_row_and_column()
    {
        var t = CsvTable.Parse(new StringReader("y,s,g\nYes,abc,a\n"));
        var ex = Assert.Throws<InvalidDataException>(() => FairnessCsvReader.FromTable(t,
            new FairnessCsvOptions { Label = "y", Score = "s", Sensitive = ["g"], PositiveLabel = "Yes" }));
        Assert.Contains("'s' row 1", ex.Message, StringComparison.Ordinal);
    }
}
