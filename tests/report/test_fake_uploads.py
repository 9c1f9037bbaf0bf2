"""The fake Slack takes file uploads the way files_upload_v2 makes them."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import FakeSlack


def test_files_upload_v2_lands_its_bytes_in_the_channel() -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
        response = client.files_upload_v2(
            channel="DU1", content=data, filename="chart.png", title="A chart", alt_txt="Bars"
        )
        assert response["ok"] and response["file"]["name"] == "chart.png"
        [upload] = fake.uploads("DU1")
        assert upload.data == data
        assert (upload.filename, upload.title, upload.alt_txt) == ("chart.png", "A chart", "Bars")
        assert fake.uploads("DU2") == []
        fake.assert_clean()


def test_completing_an_upload_never_sent_is_a_problem() -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        client.files_getUploadURLExternal(filename="x.csv", length=3)
        with pytest.raises(SlackApiError, match="file_not_found"):
            client.files_completeUploadExternal(files=[{"id": "F000000001"}])
        assert fake.problems and fake.uploads() == []
