"""sipp scenarios and a runner for the telephony tests (RECIPES "sipp").

Scenarios are built here rather than dumped at test time: the caller number is a sipp global
(``-set caller …``), and every request of a call that must share the INVITE's transaction (CANCEL,
the ACK of a non-2xx answer) carries one fixed branch per call.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

_HEAD = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="{name}">
  <Global variables="caller,display" />
"""

_INVITE = """  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-inflow-[pid]-[call_number]
      From: "[$display]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 0
      a=rtpmap:8 PCMA/8000
      a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv response="100" optional="true" />
  <recv response="180" />
"""

_ANSWERED = """  <recv response="200" rtd="true" rrs="true" />
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[$display]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      [routes]
      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
{media}  <pause />
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[$display]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      [routes]
      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true" />
"""

_PCAP = """  <nop>
    <action>
      <exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap" />
    </action>
  </nop>
"""

_ACK_FAILURE = """  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-inflow-[pid]-[call_number]
      From: "[$display]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
"""

_CANCEL = """  <pause />
  <send>
    <![CDATA[
      CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-inflow-[pid]-[call_number]
      From: "[$display]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 CANCEL
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" />
  <recv response="487" />
"""

# A PBX ring group cancels the other phones with this Reason when one of them answered (RFC 3326).
_REASON = '      Reason: SIP;cause=200;text="Call completed elsewhere"\n'
_CANCEL_ELSEWHERE = _CANCEL.replace("      CSeq: 1 CANCEL\n", "      CSeq: 1 CANCEL\n" + _REASON)

_TAIL = "</scenario>\n"

SCENARIOS = {
    # The caller waits for the answer, talks for -d milliseconds and hangs up.
    "answered": _HEAD + _INVITE + _ANSWERED.format(media="") + _TAIL,
    # As "answered", sending sipp's recorded speech (PCMA) after the ACK.
    "answered_audio": _HEAD + _INVITE + _ANSWERED.format(media=_PCAP) + _TAIL,
    # The caller gives up after ringing for -d milliseconds.
    "cancel": _HEAD + _INVITE + _CANCEL + _ACK_FAILURE + _TAIL,
    # Another phone of the ring group answered: the caller's PBX cancels this one.
    "cancel_elsewhere": _HEAD + _INVITE + _CANCEL_ELSEWHERE + _ACK_FAILURE + _TAIL,
    # The callee declines: a final 486 after the ringing.
    "rejected": _HEAD + _INVITE + '  <recv response="486" />\n' + _ACK_FAILURE + _TAIL,
}


def write_scenarios(folder: Path) -> dict[str, Path]:
    """Write every scenario into ``folder``; returns name → path."""
    paths: dict[str, Path] = {}
    for name, text in SCENARIOS.items():
        path = folder / f"{name}.xml"
        path.write_text(text.replace("{name}", name), encoding="ascii")
        paths[name] = path
    return paths


@dataclass
class SippCall:
    """A running sipp process placing calls."""

    process: subprocess.Popen[bytes]
    log_dir: Path

    def wait(self, timeout: float = 60) -> int:
        """Wait for sipp to finish; its exit status (0: every call succeeded)."""
        return self.process.wait(timeout)

    def output(self) -> str:
        """What sipp said (for assertion messages)."""
        texts = []
        for path in sorted(self.log_dir.glob("*")):
            if path.is_file() and path.stat().st_size < 200_000:
                texts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(texts)

    def kill(self) -> None:
        """Stop sipp if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
