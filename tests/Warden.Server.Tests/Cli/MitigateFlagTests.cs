namespace Warden.Server.Tests.Cli;

/// <summary>Bad values of <c>warden mitigate</c>'s adversarial regularisation flags: one line on stderr and exit code 1, nothing written.</summary>
public sealed class MitigateFlagTests
{
    private const string Decay = "--weight-decay must be a finite number >= 0.";

    /// <summary>Each case: the flags (space-separated) and the one line expected after "warden mitigate: ".</summary>
    public static TheoryData<string, string> Refused => new()
    {
        { "--weight-decay -1", Decay },
        { "--weight-decay NaN", Decay },
        { "--weight-decay Infinity", Decay },
        { "--early-stopping 1", "--early-stopping needs 0 (off) or 2-100 folds; got 1." },
        { "--early-stopping -3", "--early-stopping needs 0 (off) or 2-100 folds; got -3." },
        { "--early-stopping 101", "--early-stopping needs 0 (off) or 2-100 folds; got 101." },
        { "--early-stopping 5 --adversary-average 0.5", "--early-stopping returns one epoch's predictor; it cannot be combined with --adversary-average." },
        { "--adversary-select epoch --adversary-average 0.5", "--adversary-select returns one epoch's predictor; it cannot be combined with --adversary-average or --early-stopping." },
        { "--adversary-select epoch-threshold --early-stopping 5", "--adversary-select returns one epoch's predictor; it cannot be combined with --adversary-average or --early-stopping." },
        { "--adversary-hidden-units -1", "--adversary-hidden-units must be between 0 (a logistic adversary) and 4096; got -1." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Bad_regularisation_flags_are_refused_with_one_line_and_exit_code_1(string flags, string message)
    {
        var output = Path.Combine(Path.GetTempPath(), "warden-mitigate-flag-" + Guid.NewGuid().ToString("N"));

        var (code, _, error) = await CsvInputTests.RunProcessAsync(["mitigate", "--data", Warden.Tests.RepoFiles.Path("samples/data/cps1985.csv"),
            "--label", "wage", "--positive", ">7.78", "--sensitive", "gender", "--mitigation", "adversarial", "--out", output, .. flags.Split(' ')]);

        Assert.Equal(1, code);
        Assert.Equal($"warden mitigate: {message}", error.TrimEnd());
        Assert.False(Directory.Exists(output));
    }
}
