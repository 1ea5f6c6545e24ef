using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>
/// Makes the next -Count matching requests to a lab cluster fail: an HTTP status, a dropped connection (before or after the
/// cluster acted), a delay, or a redirect.
/// </summary>
[Cmdlet(VerbsCommon.Set, "VaultDrLabFault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = StatusSet)]
public sealed class SetVaultDrLabFaultCommand : VaultDrLabCmdlet
{
    private const string StatusSet = "Status";
    private const string DropSet = "Drop";
    private const string DropAfterHeadersSet = "DropAfterHeaders";
    private const string DropAfterHandlingSet = "DropAfterHandling";
    private const string DelaySet = "Delay";
    private const string RedirectSet = "Redirect";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster[] Cluster { get; set; } = Array.Empty<LabCluster>();

    /// <summary>The request path, e.g. /v1/sys/replication/dr/status; a trailing * matches a prefix; * matches all.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LabFaultPathCompleter))]
    public string Path { get; set; } = "*";

    [Parameter]
    [ValidateSet("*", "GET", "POST", "PUT", "DELETE")]
    public string Method { get; set; } = "*";

    [Parameter(Mandatory = true, ParameterSetName = StatusSet)]
    [ValidateRange(400, 599)]
    public int StatusCode { get; set; }

    [Parameter(ParameterSetName = StatusSet)]
    [ValidateRange(0, 3600)]
    public int RetryAfterSec { get; set; } = -1;

    /// <summary>Close the connection after reading the request, without answering.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DropSet)]
    public SwitchParameter Drop { get; set; }

    /// <summary>Send the headers of a 200, then close the connection mid-answer.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DropAfterHeadersSet)]
    public SwitchParameter DropAfterHeaders { get; set; }

    /// <summary>Let the cluster act on the request, then close the connection before any answer.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DropAfterHandlingSet)]
    public SwitchParameter DropAfterHandling { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DelaySet)]
    [ValidateRange(1, 600000)]
    public int DelayMs { get; set; }

    /// <summary>Answer 307 with this URL as the Location header (e.g. an https -> http downgrade to test).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RedirectSet)]
    [ValidateNotNull]
    public Uri RedirectTo { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, 1000000)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord()
    {
        var kind = ParameterSetName switch
        {
            DropSet => "drop",
            DropAfterHeadersSet => "drop-after-headers",
            DropAfterHandlingSet => "drop-after-handling",
            DelaySet => "delay",
            RedirectSet => "redirect",
            _ => "status",
        };
        if (kind == "redirect" && !RedirectTo.IsAbsoluteUri)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrInvalidRedirectTo", $"-RedirectTo must be an absolute URL such as http://127.0.0.1:8200/v1/sys/health, not '{RedirectTo}'."), RedirectTo);
        }

        foreach (var cluster in Cluster)
        {
            if (!Confirmations.ShouldChange(cluster.ToString(), $"Inject a '{kind}' fault on {Method} {Path} for the next {Count} request(s)"))
            {
                continue;
            }

            var fault = new LabFault(cluster.Name, Method, Path, kind, Count)
            {
                Status = kind == "status" ? StatusCode : null,
                RetryAfterSec = RetryAfterSec >= 0 ? RetryAfterSec : null,
                DelayMs = kind == "delay" ? DelayMs : null,
                Location = kind == "redirect" ? RedirectTo.AbsoluteUri : null,
            };
            Control(cluster.Lab, (control, cancellationToken) => control.AddFaultAsync(fault, cancellationToken));
        }
    }
}
