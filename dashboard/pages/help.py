"""Hướng dẫn: a short guide for commanders and patrol leaders, in the session's language."""

from __future__ import annotations

import streamlit as st

from dashboard import access
from dashboard import state as session
from dashboard.i18n import translator

session.init()
access.principal()
lang = session.lang()
T = translator(lang)

GUIDE_VI = """
### Dành cho chỉ huy (lập kế hoạch ca trực)

1. **Bản đồ** - xem các mục tiêu trọng điểm (ngân hàng, phòng giao dịch, cây ATM, tiệm vàng,
   trụ sở cơ quan...) tô màu theo **mức độ nguy cơ** ở giờ đã chọn (thanh trượt giờ bên trái).
   Bấm vào một mục tiêu để xem **lý do** của mức nguy cơ. Vụ việc hiển thị theo ô lưới 50 m,
   bản đồ nhiệt hoặc cụm điểm. Muốn thêm một vụ việc hay một mục tiêu: chọn “Nhấp trên bản đồ
   để thêm”, nhấp vào vị trí, điền thông tin, bấm “Thêm”.
2. **Lập kế hoạch ca** - chọn ngày trực, giờ bắt đầu và kết thúc ca, **khung giờ nguy cơ cao**
   (mặc định 01:00-03:00), số tổ tuần tra, điểm xuất phát (Công an phường, Ban Chỉ huy quân sự),
   các mục tiêu bắt buộc đưa vào hoặc bỏ ra, thời gian tính toán; bấm **Lập kế hoạch**. Mỗi tổ
   có một lộ trình khép kín, tô một màu, các điểm dừng đánh số kèm giờ. Nếu còn lượt kiểm tra
   nguy cơ cao chưa được kiểm tra, hệ thống cảnh báo. Bấm **Phương án khác tương đương** để có
   một phương án khác cùng chất lượng.
3. **Dữ liệu** - tải lên danh sách mục tiêu khảo sát và danh sách vụ việc (CSV hoặc XLSX); dữ
   liệu được lưu vào cơ sở dữ liệu của phường. Tệp có lỗi bị từ chối toàn bộ, không lưu dòng nào;
   bảng lỗi chỉ rõ tệp, dòng, cột, giá trị và cách sửa. Sửa thông tin mục tiêu ngay trong bảng
   (lịch sử thay đổi được giữ lại). Có thể tải dữ liệu về dạng CSV/XLSX.
4. **Lực lượng và tổ tuần tra** - nhập danh sách cán bộ, chiến sĩ (họ và tên, đơn vị, cấp bậc,
   số điện thoại) từ tệp CSV/XLSX hoặc thêm từng người; lập các tổ tuần tra cố định (Tổ 1,
   Tổ 2... có tổ trưởng, thành viên, phương tiện, nơi xuất phát); xem danh sách trực từng đêm và
   đổi người trực. Trang Lập kế hoạch ca dùng danh sách trực đêm đó, nên lộ trình của mỗi tổ ghi
   tên và số điện thoại của từng người.
5. **Cài đặt** - phương tiện tuần tra (xe máy, ô tô, đi bộ), thời gian tính toán, ca mặc định.

### Dành cho tổ trưởng tuần tra

- Trang **Lộ trình**: chọn tổ của mình để xem bản đồ lộ trình và **bảng thời gian** (đến, bắt đầu
  kiểm tra, rời đi) của từng điểm dừng. Giờ ghi theo 24 giờ, ngày theo dd/mm/yyyy.
- Đi đúng thứ tự điểm dừng; đến sớm thì chờ đến giờ bắt đầu kiểm tra.
- Đưa lộ trình vào điện thoại: điện thoại kết nối mạng nội bộ (Wi-Fi) của phường, quét **mã QR**
  trên trang Lộ trình, tải tệp GPX (mở bằng OsmAnd hoặc Organic Maps) hoặc bản PDF.

### Đăng nhập và tài khoản

- Mỗi người dùng tài khoản riêng. Chỉ huy và quản trị hệ thống nhập thêm **mã 6 chữ số** của
  ứng dụng xác thực. Sai 5 lần trong 15 phút thì tài khoản bị khóa; quản trị hệ thống mở khóa ở
  trang **Người dùng**.
- Quản trị hệ thống tạo tài khoản tổ trưởng tuần tra và chọn tổ của người đó trong các tổ chỉ
  huy đã lập (trang **Người dùng**).
- Phiên làm việc kết thúc sau 30 phút không thao tác, tối đa 12 giờ, hoặc khi bấm **Đăng xuất**.
  Tải lại trang cũng phải đăng nhập lại. Mỗi người chỉ thấy các trang của vai trò mình; mọi thao
  tác đều được ghi vào **nhật ký hệ thống**.

### Lưu ý

- Vụ việc có nhãn **“Dữ liệu minh họa”** là dữ liệu được tạo tự động để thử hệ thống, không phải
  số liệu thật. Hãy tải lên sổ vụ việc của phường để có đánh giá nguy cơ thực tế.
- Hệ thống chạy hoàn toàn ngoại tuyến; bản đồ nền vẽ từ dữ liệu OpenStreetMap của địa bàn
  (© OpenStreetMap contributors, ODbL).
"""

GUIDE_EN = """
### For commanders (planning a shift)

1. **Map** - the key sites (banks, transaction offices, ATMs, gold shops, government offices...)
   coloured by **risk level** at the chosen hour (hour slider on the left). Click a site to see
   **why** it has that level. Incidents are shown as 50 m grid cells, a heat map or clusters. To
   add an incident or a site: choose what a click adds, click the place, fill in, press “Add”.
2. **Plan a shift** - pick the date, shift start and end, the **high-risk window** (01:00-03:00
   by default), the number of teams, the depots (ward police post, ward military command), sites
   to force in or leave out and the solver time; press **Solve**. Each team gets a closed loop in
   its own colour with numbered stops and times. Unserved high-risk visits are flagged. **Another
   equally good plan** gives a different plan of the same quality.
3. **Data** - upload the facility survey and the incident log (CSV or XLSX); they are kept in the
   ward's database. A file with errors is refused whole, no row is kept; the table names the
   file, row, column, value and how to fix it. Edit a site's details in the table (its history
   of changes is kept). Everything can be downloaded as CSV/XLSX.
4. **People and patrol teams** - import the list of officers and members (full name, unit, rank,
   phone) from CSV/XLSX or add people one by one; set up the standing patrol teams (Tổ 1, Tổ 2...
   with leader, members, vehicle, depot); see each night's roster and swap people. The plan page
   uses that night's roster, so each team's route names every person with their phone.
5. **Settings** - travel mode (motorbike, car, on foot), solver time, default shift.

### For patrol leaders

- **Routes**: pick your team to see its loop on the map and the **timeline** (arrive, check from,
  leave) of every stop. Times are 24-hour, dates dd/mm/yyyy.
- Keep to the order of the stops; when early, wait until the check time.
- To put the route on a phone: connect the phone to the ward's Wi-Fi, scan the **QR code** on the
  Routes page, download the GPX (open it in OsmAnd or Organic Maps) or the PDF.

### Logging in and accounts

- Everyone has their own account. Commanders and administrators also type the **6-digit code** of
  their authenticator app. Five failures within 15 minutes lock the account; an administrator
  unlocks it on the **Users** page.
- The administrator creates a patrol leader's account and chooses the leader's team among the
  teams the commanders set up (**Users** page).
- A session ends after 30 minutes without activity, after 12 hours at most, or at **Log out**.
  Reloading the page also means logging in again. Each person sees only their role's pages;
  every action is written to the **audit log**.

### Notes

- Incidents labelled **“Demonstration data”** are generated to try the system out, not real
  records. Upload the ward's incident log for a real risk assessment.
- Everything runs offline; the base map is drawn from the area's OpenStreetMap data
  (© OpenStreetMap contributors, ODbL).
"""

st.title(T("help.title"))
st.markdown(GUIDE_VI if lang == "vi" else GUIDE_EN)
