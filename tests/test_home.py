"""The dashboard home page: counters, getting started, health and recent runs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import HttpClient
from connections.models import IncomingConfiguration, Run

pytestmark = pytest.mark.django_db


def test_new_install_shows_three_steps(admin_client):
    response = admin_client.get(reverse("home"))

    assert response.status_code == 200
    assert "Getting started" in response.text
    assert [step["done"] for step in response.context["steps"]] == [
        False,
        False,
        False,
    ]
    assert reverse("client_add") in response.text
    assert "No runs yet" in response.text


def test_steps_show_what_is_done(admin_client):
    client = HttpClient.objects.create(
        name="Store", identifier="store", base_uri="https://shop.example.com"
    )
    IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=client,
        query="{ orders { id } }",
        entities_path="data.orders",
    )

    response = admin_client.get(reverse("home"))

    assert [step["done"] for step in response.context["steps"]] == [True, True, False]
    assert reverse("outgoing_add") in response.text
    assert "Done" in response.text


def test_old_queued_run_warns_about_worker(admin_client):
    run = Run.objects.create(kind="incoming", configuration_name="Orders")
    Run.objects.filter(pk=run.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=5)
    )

    response = admin_client.get(reverse("home"))

    assert response.context["stale_queued_count"] == 1
    assert "The worker may not be running" in response.text
    assert "db_worker" in response.text


def test_fresh_queued_run_is_healthy(admin_client):
    Run.objects.create(kind="incoming", configuration_name="Orders")

    response = admin_client.get(reverse("home"))

    assert response.context["stale_queued_count"] == 0
    assert "1 run queued or running" in response.text


def test_recent_runs_and_day_counts(admin_client):
    finished = Run.objects.create(
        kind="incoming", configuration_name="Orders", status="failed"
    )

    response = admin_client.get(reverse("home"))

    assert response.context["day_counts"]["failed"] == 1
    assert finished.get_absolute_url() in response.text
