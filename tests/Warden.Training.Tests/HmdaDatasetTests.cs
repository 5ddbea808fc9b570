namespace Warden.Training.Tests;

public class HmdaDatasetTests
{
    private static readonly string DataPath = Warden.Tests.RepoFiles.Path("samples/data/hmda.csv");

    [Fact]
    public void Loads_every_row_with_label_and_sensitive_attribute_counts_of_the_file()
    {
        var rows = HmdaDataset.Load(DataPath);

        // `wc -l` = 2381 lines with the header; `grep -c '^"yes"'` = 285 denials;
        // `awk -F, 'NR>1 && $12=="\"yes\""' | wc -l` = 339 rows with afam = yes.
        Assert.Equal(2380, rows.Count);
        Assert.Equal(285, rows.Count(r => r.Deny));
        Assert.Equal(339, rows.Count(r => r.Afam == 1f));
    }

    [Fact]
    public void Yes_no_become_one_zero_and_quoted_levels_become_numbers()
    {
        var rows = HmdaDataset.Load(DataPath);

        // Line 2: "no",0.221000003814697,0.221000003814697,0.8,"5","2","no",3.90000009536743,"no","no","no","no","no","yes"
        var first = rows[0];
        Assert.False(first.Deny);
        Assert.Equal([0.221000003814697f, 0.221000003814697f, 0.8f, 5f, 2f, 0f, 3.90000009536743f, 0f, 0f, 0f, 0f, 1f], first.Features());
        Assert.Equal(0f, first.Afam);

        // Last line: "yes",0.35,0.26,0.813559322033898,"2","2","no",4.30000019073486,"no","no","yes","no","yes","yes"
        var last = rows[^1];
        Assert.True(last.Deny);
        Assert.Equal([0.35f, 0.26f, 0.813559322033898f, 2f, 2f, 0f, 4.30000019073486f, 0f, 0f, 1f, 1f, 1f], last.Features());
        Assert.Equal(0f, last.Afam);
    }

    [Fact]
    public void Sensitive_attribute_and_label_are_not_features()
    {
        Assert.DoesNotContain(HmdaDataset.SensitiveAttribute, HmdaDataset.FeatureNames);
        Assert.DoesNotContain(HmdaDataset.LabelName, HmdaDataset.FeatureNames);
        Assert.Equal(12, HmdaDataset.FeatureNames.Count);
    }

    [Fact]
    public void Quoted_commas_and_line_breaks_in_a_column_are_one_value()
    {
        var path = Path.GetTempFileName();
        try
        {
            var lines = File.ReadLines(DataPath).Take(3).ToList();
            File.WriteAllText(path, lines[0] + ",\"note\"\n" + lines[1] + ",\"late, twice\nthen on time\"\n" + lines[2] + ",\"\"\n");

            var rows = HmdaDataset.Load(path);

            Assert.Equal(2, rows.Count);
            Assert.Equal(HmdaDataset.Load(DataPath)[1].Features(), rows[1].Features());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_value_other_than_yes_or_no_is_reported_with_its_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            var lines = File.ReadLines(DataPath).Take(3).ToList();
            lines[2] = lines[2].Replace("\"no\",0.265", "\"maybe\",0.265", StringComparison.Ordinal);
            File.WriteAllLines(path, lines);

            var ex = Assert.Throws<InvalidDataException>(() => HmdaDataset.Load(path));

            Assert.Contains(":3:", ex.Message, StringComparison.Ordinal);
            Assert.Contains("deny", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_column_is_reported()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "\"deny\",\"pirat\"\n\"no\",0.2\n");

            var ex = Assert.Throws<InvalidDataException>(() => HmdaDataset.Load(path));

            Assert.Contains("afam", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
