"""The interface language: Chinese by default, English when the user picks it in the user menu."""

from __future__ import annotations

import pytest


def choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_home_page_is_chinese_by_default(world, client_as):
    body = client_as(world.volunteer).get("/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "首页" in body
    assert ">Home<" not in body


@pytest.mark.django_db
def test_an_english_browser_alone_does_not_switch_the_language(world, client_as):
    body = client_as(world.volunteer).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "首页" in body


@pytest.mark.django_db
def test_after_choosing_english_the_home_page_is_english(world, client_as):
    client = client_as(world.volunteer)
    choose_english(client)
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Home</a>" in body
    assert "Hello, " in body
    assert "首页" not in body


@pytest.mark.django_db
def test_in_english_the_menu_and_the_unit_registry_are_english(world, client_as):
    client = client_as(world.staff)
    choose_english(client)
    body = client.get("/orgs/units/").content.decode()
    assert "Unit registry" in body  # a menu label registered in orgs/nav.py
    assert "Unit name" in body
    assert "2 units" in body  # 区教育局 and 区财政局 of fed_a


@pytest.mark.django_db
def test_the_chinese_stays_on_the_error_pages_and_can_be_chosen_back(world, client_as):
    client = client_as(world.staff)
    choose_english(client)
    assert "页面不存在" in client.get("/orgs/units/999999/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "单位名录" in client.get("/orgs/units/").content.decode()
